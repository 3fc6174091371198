"""The contribution schedule in force on this server: the dated tables the office entered
on the desk (/desk/rates), or, while it has entered none, the shipped
assets/contribution_rates.json (`enrolment.contributions.load_schedule`).

An administrator adds, changes or deletes one table at a time. The change is applied
to the whole schedule in memory and judged by the domain's rules
(`enrolment.contribution_schedule`) before anything is written: two tables starting on
one day, or a day left without any table (the earliest table must have no start and
some table must hold every later day), is refused with a `RateTableError` whose code is
a catalogue entry `rate_<code>`. The first change copies the shipped tables into the
database, so the office edits what it saw. Every change is audited with the table
before and after. Tables are identified by their start day (no two share one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

import sqlalchemy as sa
from sqlmodel import Session, select

from enrolment.contribution_schedule import (
    OPEN_END,
    OPEN_START,
    Rates,
    RateTable,
    Schedule,
    ScheduleError,
    first_gap,
    schedule_from_dict,
    schedule_to_dict,
)
from enrolment.contributions import format_rupiah, load_schedule
from sync_server.desk_format import format_day, format_number, parse_day
from sync_server.models import ContributionTable, User
from sync_server.services.audit import audit

# Arbitrary constant naming the rate tables' advisory lock on PostgreSQL (SQLite's
# writes begin IMMEDIATE, one at a time).
_PG_RATES_LOCK = 52_03_0014
_PERCENT = re.compile(r"\d{1,3}([.,]\d{1,4})?")
_RUPIAH = re.compile(r"\d{1,9}")
_HUNDRED = Decimal(100)


class RateTableError(ValueError):
    """A change refused; `code` names the catalogue entry `rate_<code>`."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class ScheduleView:
    """The schedule and where it comes from (the desk says so)."""

    schedule: Schedule
    shipped: bool  # True: nothing entered yet, the shipped file is in force


def stored_schedule(*, session: Session) -> ScheduleView:
    """The schedule in force on this server, and whether it is the shipped one."""
    rows = session.exec(select(ContributionTable)).all()
    if not rows:
        return ScheduleView(load_schedule(), shipped=True)
    tables = sorted((_from_row(r) for r in rows), key=lambda t: t.start)
    return ScheduleView(Schedule(tuple(tables)), shipped=False)


def current_schedule(*, session: Session) -> Schedule:
    """Every table of the schedule in force (stored, else shipped)."""
    return stored_schedule(session=session).schedule


def rates_on(*, session: Session, day: date) -> Rates:
    """The rates in force on `day` in the stored schedule (else the shipped file)."""
    return current_schedule(session=session).rates_on(day)


# --- what an administrator types ------------------------------------------------------


def parse_table(
    *,
    start: str,
    end: str,
    basis: str,
    jkk_percent: str,
    jkk_min: str,
    jkk_max: str,
    jkm_flat: str,
    jht_percent: str,
) -> RateTable:
    """A table from the desk's form: dates DD-MM-YYYY (empty: open), percentages like
    `1` or `0,5`, rupiah like `10.000`. RateTableError when anything is unusable."""
    first, last = _day(start, OPEN_START), _day(end, OPEN_END)
    if last < first:
        raise RateTableError("inverted", start=format_day(first), end=format_day(last))
    rates = Rates(
        jkk_rate=_percent(jkk_percent),
        jkk_min=_rupiah(jkk_min),
        jkk_max=_rupiah(jkk_max),
        jkm_flat=_rupiah(jkm_flat),
        jht_rate=_percent(jht_percent),
    )
    if rates.jkk_min > rates.jkk_max:
        raise RateTableError(
            "min_above_max", low=format_rupiah(rates.jkk_min), high=format_rupiah(rates.jkk_max)
        )
    return RateTable(first, last, rates, basis.strip()[:200])


def _day(text: str, default: date) -> date:
    try:
        day = parse_day(text)
    except ValueError:
        raise RateTableError("bad_date", value=text.strip()[:40]) from None
    return default if day is None else day


def _number(text: str, pattern: re.Pattern[str], junk: str) -> str:
    """The digits of a typed number, without `junk` characters; refused unless they
    match `pattern` (a minus sign is named as such)."""
    typed = text.strip()[:40]
    cleaned = re.sub(junk, "", typed)
    if cleaned.startswith("-") and pattern.fullmatch(cleaned[1:]):
        raise RateTableError("negative", value=typed)
    if not pattern.fullmatch(cleaned):
        raise RateTableError("bad_number", value=typed or "–")
    return cleaned


def _percent(text: str) -> Decimal:
    """A share from a percentage as typed ("1", "0,5", "2 %"): at most 4 decimals."""
    cleaned = _number(text, _PERCENT, r"[\s%]")
    try:
        value = Decimal(cleaned.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only numbers
        raise RateTableError("bad_number", value=text.strip()[:40]) from None
    if value > _HUNDRED:
        raise RateTableError("percent_high", value=text.strip()[:40])
    return value / _HUNDRED


def _rupiah(text: str) -> int:
    """Whole rupiah as typed ("10.000", "Rp 10.000", "10000")."""
    return int(_number(re.sub(r"(?i)^rp\.?", "", text.strip()), _RUPIAH, r"[\s.]"))


# --- changes ------------------------------------------------------------------------


def add_table(*, session: Session, user: User, table: RateTable) -> None:
    """Add a table (e.g. a temporary discount with its start and end)."""
    tables = _locked_tables(session)
    _store(session, [*tables, table])
    audit(session, user, "rate_table_add", _target(table), "", {"after": describe(table)})


def edit_table(*, session: Session, user: User, start: date, table: RateTable) -> None:
    """Replace the table that starts on `start` (LookupError if there is none)."""
    tables = _locked_tables(session)
    old = _find(tables, start)
    _store(session, [t for t in tables if t is not old] + [table])
    details = {"before": describe(old), "after": describe(table)}
    audit(session, user, "rate_table_edit", _target(old), "", details)


def delete_table(*, session: Session, user: User, start: date) -> None:
    """Delete the table that starts on `start` (LookupError if there is none)."""
    tables = _locked_tables(session)
    old = _find(tables, start)
    _store(session, [t for t in tables if t is not old])
    audit(session, user, "rate_table_delete", _target(old), "", {"before": describe(old)})


def describe(table: RateTable) -> str:
    """One line for the audit log: period, rates and the regulation."""
    r = table.rates
    period = f"{_start_text(table)} – {_end_text(table)}"
    jkk = f"JKK {percent_text(r.jkk_rate)} ({format_rupiah(r.jkk_min)}–{format_rupiah(r.jkk_max)})"
    line = f"{period}: {jkk}, JKM {format_rupiah(r.jkm_flat)}, JHT {percent_text(r.jht_rate)}"
    return f"{line}; {table.basis}" if table.basis else line


def percent_text(rate: Decimal) -> str:
    """`1 %`, `0,5 %`: a share as the desk writes it (Indonesian decimal comma)."""
    value = rate * _HUNDRED
    places = max(0, -value.normalize().as_tuple().exponent)  # type: ignore[operator]
    return f"{format_number(float(value), min(places, 4))} %"


def _start_text(table: RateTable) -> str:
    return "…" if table.start == OPEN_START else format_day(table.start)


def _end_text(table: RateTable) -> str:
    return "…" if table.end == OPEN_END else format_day(table.end)


def _target(table: RateTable) -> str:
    return f"rates:{_start_text(table)}"


def _find(tables: list[RateTable], start: date) -> RateTable:
    for table in tables:
        if table.start == start:
            return table
    raise LookupError(start)


def _locked_tables(session: Session) -> list[RateTable]:
    """The schedule's tables, read under the rate tables' lock (one change at a time)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_RATES_LOCK})
    return list(current_schedule(session=session).tables)


def check(tables: list[RateTable]) -> Schedule:
    """The schedule these tables make, by the domain's rules; RateTableError if two
    start on one day or some day would have no table."""
    starts: set[date] = set()
    for table in tables:
        if table.start in starts:
            raise RateTableError("same_start", day=_start_text(table))
        starts.add(table.start)
    try:
        schedule = schedule_from_dict(schedule_to_dict(Schedule(tuple(tables))))
    except ScheduleError as exc:
        raise RateTableError("invalid", detail=str(exc)) from None
    gap = first_gap(schedule)
    if gap == OPEN_START:
        raise RateTableError("no_start")
    if gap is not None:
        raise RateTableError("gap", day=format_day(gap))
    return schedule


def _store(session: Session, tables: list[RateTable]) -> None:
    """Replace the stored tables with these, once they make a usable schedule."""
    schedule = check(tables)
    session.execute(sa.delete(ContributionTable))
    session.flush()  # the old rows go before new ones may take their start days
    session.add_all(_to_row(t) for t in schedule.tables)


def _to_row(table: RateTable) -> ContributionTable:
    r = table.rates
    return ContributionTable(
        starts_on=None if table.start == OPEN_START else table.start,
        ends_on=None if table.end == OPEN_END else table.end,
        basis=table.basis,
        jkk_rate=str(r.jkk_rate),
        jkk_min=r.jkk_min,
        jkk_max=r.jkk_max,
        jkm_flat=r.jkm_flat,
        jht_rate=str(r.jht_rate),
    )


def _from_row(row: ContributionTable) -> RateTable:
    rates = Rates(
        jkk_rate=Decimal(row.jkk_rate),
        jkk_min=row.jkk_min,
        jkk_max=row.jkk_max,
        jkm_flat=row.jkm_flat,
        jht_rate=Decimal(row.jht_rate),
    )
    return RateTable(row.starts_on or OPEN_START, row.ends_on or OPEN_END, rates, row.basis)
