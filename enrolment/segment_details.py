"""What each segment records beyond identity, and the rules for it.

The fields of each segment are part of its `SegmentSpec` (`enrolment.segments`,
projected as `SEGMENT_FIELDS`): the tablet renders its form from them and
`validate_details` (called by `records.validate`, so the server applies it too)
checks a record's `details` against them. Problems name the field as `details.<key>`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, timedelta
from typing import Any

from enrolment import areas
from enrolment.contributions import format_rupiah
from enrolment.problems import Problem, problem

# The fields themselves are part of each segment's spec; re-exported for importers.
from enrolment.segments import (  # noqa: F401
    BUSINESS_TYPES,
    MIGRATION_PHASES,
    SEGMENT_FIELDS,
    DetailField,
)

#: Start-up cash an UMKM owner receives from the programme, in rupiah (inclusive).
STARTUP_CASH_MIN, STARTUP_CASH_MAX = 500_000, 1_000_000
#: After this long the UMKM owner's subsidised membership converts to a paid one.
CONVERSION_AFTER_YEARS = 1
MAX_LAND_HA = 100.0
MAX_TEXT = 100
EARLIEST_DATE = date(1950, 1, 1)


def fields_for(segment: str) -> tuple[DetailField, ...]:
    """The detail fields of a segment (none for an unknown one)."""
    return SEGMENT_FIELDS.get(segment, ())


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    return None


def _text(spec: DetailField, value: Any, today: date) -> str | None:
    return None if isinstance(value, str) and len(value) <= MAX_TEXT else "text_too_long"


def _date(spec: DetailField, value: Any, today: date) -> str | None:
    try:
        day = date.fromisoformat(value)
    except (TypeError, ValueError):
        return "date_invalid"
    if day > today:
        return "date_future"
    return "date_invalid" if day < EARLIEST_DATE else None


def _area(spec: DetailField, value: Any, today: date) -> str | None:
    ha = _number(value)
    return None if ha is not None and 0 < ha <= MAX_LAND_HA else "land_area_range"


def _money(spec: DetailField, value: Any, today: date) -> str | None:
    cash = _number(value)
    ok = cash is not None and STARTUP_CASH_MIN <= cash <= STARTUP_CASH_MAX
    return None if ok else "startup_cash_range"


def _choice(spec: DetailField, value: Any, today: date) -> str | None:
    return None if value in spec.choices else "choice_unknown"


def _village(spec: DetailField, value: Any, today: date) -> str | None:
    return None if isinstance(value, str) and areas.is_home_village(value) else "village_unknown"


def _nib(spec: DetailField, value: Any, today: date) -> str | None:
    ok = isinstance(value, str) and value.isascii() and value.isdigit() and len(value) == 13
    return None if ok else "nib_invalid"


#: The rule of each kind of detail field (`segments.DETAIL_KINDS`): a problem code or None.
RULES: dict[str, Callable[[DetailField, Any, date], str | None]] = {
    "text": _text,
    "date": _date,
    "area": _area,
    "money": _money,
    "choice": _choice,
    "village": _village,
    "nib": _nib,
}


def _check(spec: DetailField, value: Any, today: date) -> str | None:
    """The problem code for one present value, or None if it is fine."""
    rule = RULES.get(spec.kind)
    return rule(spec, value, today) if rule is not None else "malformed"


def validate_details(
    segment: str, details: Mapping[str, Any], today: date | None = None
) -> list[Problem]:
    """Every problem with a segment's details, as `details.<key>` problems.

    Keys this version does not know are ignored, so a newer tablet's extra field
    does not make an older server reject the record.
    """
    today = today or date.today()
    problems: list[Problem] = []
    for spec in fields_for(segment):
        value = details.get(spec.key)
        if _blank(value):
            if spec.required:
                problems.append(problem(f"details.{spec.key}", "required"))
            continue
        code = _check(spec, value, today)
        if code is not None:
            problems.append(
                problem(
                    f"details.{spec.key}",
                    code,
                    min=format_rupiah(STARTUP_CASH_MIN),
                    max=format_rupiah(STARTUP_CASH_MAX),
                    ha=f"{MAX_LAND_HA:g}",
                    detail=spec.key,
                )
            )
    return problems


def conversion_due(details: Mapping[str, Any]) -> date | None:
    """When an UMKM owner's subsidised year ends: one year after the start-up cash date."""
    try:
        start = date.fromisoformat(details.get("cash_date") or "")
    except (TypeError, ValueError):
        return None
    try:
        return start.replace(year=start.year + CONVERSION_AFTER_YEARS)
    except ValueError:  # 29 February: the year after has none
        return start.replace(year=start.year + CONVERSION_AFTER_YEARS, day=28) + timedelta(days=1)
