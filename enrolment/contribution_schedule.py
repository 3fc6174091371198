"""Contribution tables with dates: which rates were, are or will be in force on a day.

The contribution package is set by regulation and changes; a temporary change (a
regulation discounting JKK and JKM for some months) is a table of its own with a start
and an end, no code change. A `Schedule` holds every table with its period, `from` and
`to` both inclusive (what a regulation says: "berlaku 1 Januari sampai 31 Desember").

On a day, of the tables whose period holds it, the one that started last is in force:
a temporary table inside a longer one wins for its period, and the longer one applies
again after it. Two tables starting the same day and overlapping are refused (no rule
could choose), and so is a day with no table at all when it is asked for.

A month is computed with the table in force on its first day, as BPJS bills by month.
History is kept (tables are never dropped), so past months keep the rates of their time.
Pure: parsing and choosing only; reading the file is `contributions.load_schedule`.
`Rates` (one table's numbers) live here too, so the calculator imports them from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any


@dataclass(frozen=True)
class Rates:
    """The contribution table: JKK as a share of income within bounds, JKM flat, JHT a share."""

    jkk_rate: Decimal
    jkk_min: int
    jkk_max: int
    jkm_flat: int
    jht_rate: Decimal


def rates_from_dict(table: dict[str, Any]) -> Rates:
    """Rates from the parsed JSON table; raises KeyError/ValueError if it is incomplete."""
    return Rates(
        jkk_rate=Decimal(str(table["jkk"]["rate"])),
        jkk_min=int(table["jkk"]["min"]),
        jkk_max=int(table["jkk"]["max"]),
        jkm_flat=int(table["jkm"]["flat"]),
        jht_rate=Decimal(str(table["jht"]["rate"])),
    )


#: The first and last day a table without `from` or `to` covers.
OPEN_START, OPEN_END = date.min, date.max


class ScheduleError(ValueError):
    """A schedule that cannot be used: an unreadable table, overlapping starts, a gap."""


@dataclass(frozen=True)
class RateTable:
    """One table of rates and the days it is in force (both ends inclusive)."""

    start: date
    end: date
    rates: Rates
    basis: str = ""  # the regulation it follows, as the office wrote it

    def holds(self, day: date) -> bool:
        """True when `day` is within this table's period."""
        return self.start <= day <= self.end


@dataclass(frozen=True)
class Schedule:
    """Every contribution table with its period, checked (see `schedule_from_dict`)."""

    tables: tuple[RateTable, ...]

    def table_on(self, day: date) -> RateTable:
        """The table in force on `day`; ScheduleError when none is."""
        holding = [t for t in self.tables if t.holds(day)]
        if not holding:
            raise ScheduleError(f"no contribution table is in force on {day.isoformat()}")
        return max(holding, key=lambda t: t.start)

    def rates_on(self, day: date) -> Rates:
        """The rates in force on `day`."""
        return self.table_on(day).rates

    def rates_for_month(self, year: int, month: int) -> Rates:
        """The rates a month is computed with: those in force on its first day."""
        return self.rates_on(date(year, month, 1))


def _day(value: Any, default: date, what: str) -> date:
    if value in (None, ""):
        return default
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ScheduleError(f"{what}: {value!r} is not a date (YYYY-MM-DD)") from exc


def table_from_dict(entry: Any) -> RateTable:
    """One table from its JSON object; ScheduleError if it is incomplete or inverted."""
    if not isinstance(entry, dict):
        raise ScheduleError("a contribution table must be an object")
    start = _day(entry.get("from"), OPEN_START, "from")
    end = _day(entry.get("to"), OPEN_END, "to")
    if end < start:
        raise ScheduleError(f"table ends ({end.isoformat()}) before it starts")
    try:
        rates = rates_from_dict(entry)
    except (KeyError, TypeError, ValueError, ArithmeticError) as exc:
        raise ScheduleError(f"incomplete contribution table: {exc}") from exc
    return RateTable(start, end, rates, str(entry.get("basis", "")))


def schedule_from_dict(data: Any) -> Schedule:
    """A schedule from the rates file: `{"tables": [...]}`, or a single table of the
    older form (then in force on every day). ScheduleError if a table is unreadable or
    two tables start the same day with overlapping periods."""
    if isinstance(data, dict) and "tables" not in data:
        data = {"tables": [data]}
    entries = data.get("tables") if isinstance(data, dict) else None
    if not isinstance(entries, list) or not entries:
        raise ScheduleError("the rates file needs a non-empty list of tables")
    tables = tuple(sorted((table_from_dict(e) for e in entries), key=lambda t: t.start))
    for a, b in zip(tables, tables[1:], strict=False):
        if a.start == b.start:
            raise ScheduleError(f"two tables start on {a.start.isoformat()}")
    return Schedule(tables)


def first_gap(schedule: Schedule, first: date = OPEN_START, last: date = OPEN_END) -> date | None:
    """The first day from `first` to `last` on which no table is in force (None: every
    day has one): starts of tables and the days after ends are the only places a gap
    can begin."""
    edges = (
        {first}
        | {t.start for t in schedule.tables}
        | {t.end.fromordinal(t.end.toordinal() + 1) for t in schedule.tables if t.end < OPEN_END}
    )
    return next(
        (
            d
            for d in sorted(edges)
            if first <= d <= last and not any(t.holds(d) for t in schedule.tables)
        ),
        None,
    )


def covers(schedule: Schedule, first: date, last: date) -> bool:
    """True when some table is in force on every day from `first` to `last`."""
    return first_gap(schedule, first, last) is None


def table_to_dict(table: RateTable) -> dict[str, Any]:
    """One table in the rates file's form (`table_from_dict` reads it back): an open
    start or end is null; rates are decimal text, amounts whole rupiah."""
    r = table.rates
    return {
        "from": None if table.start == OPEN_START else table.start.isoformat(),
        "to": None if table.end == OPEN_END else table.end.isoformat(),
        "basis": table.basis,
        "jkk": {"rate": str(r.jkk_rate), "min": r.jkk_min, "max": r.jkk_max},
        "jkm": {"flat": r.jkm_flat},
        "jht": {"rate": str(r.jht_rate)},
    }


def schedule_to_dict(schedule: Schedule) -> dict[str, Any]:
    """The schedule in the rates file's form, `{"tables": [...]}`, earliest start first
    (`schedule_from_dict` reads it back): what the server stores and sends at a pull."""
    return {"tables": [table_to_dict(t) for t in schedule.tables]}
