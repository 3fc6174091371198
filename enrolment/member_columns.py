"""A record projected onto the server's member columns, from `enrolment.fields`.

Ingest writes a member from these values and compares a later version against them,
so a new field with a `member_column` is stored and updated without ingest naming
it. Two kinds of column:

- identity columns (`IDENTITY_COLUMNS`: `FieldSpec.editable`), which an edit by any
  device is judged against (a different name is a conflict), and
- programme columns (`PROGRAMME_COLUMNS`: every optional field, the household block's
  three columns and what the money page derives from an UMKM owner's details), which a
  member takes whole from its own device's records.

Pure: no I/O, so the tablet may carry it.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from enrolment.fields import HOUSEHOLD_COLUMNS, RECORD_FIELDS, FieldSpec
from enrolment.records import Enrolment
from enrolment.segment_details import conversion_due
from enrolment.segments import Segment

#: Columns derived from an UMKM owner's details for the money page (sums, due list).
DERIVED_COLUMNS = ("startup_cash", "conversion_due")

IDENTITY_COLUMNS: tuple[str, ...] = tuple(
    f.member_column for f in RECORD_FIELDS if f.editable and f.member_column
)
#: The optional fields with a column of their own, in wire order.
_PROGRAMME_SPECS: tuple[FieldSpec, ...] = tuple(
    f for f in RECORD_FIELDS if f.optional and (f.member_column or f.kind == "household")
)


def _columns(spec: FieldSpec) -> tuple[str, ...]:
    return HOUSEHOLD_COLUMNS if spec.kind == "household" else (spec.member_column or "",)


PROGRAMME_COLUMNS: tuple[str, ...] = (
    *(c for f in _PROGRAMME_SPECS for c in _columns(f)),
    *DERIVED_COLUMNS,
)

#: What a programme column holds when no record set it (the columns' defaults).
_DEFAULT_BY_KIND: dict[str, Any] = {"flag": False, "money": None, "details": None}


def programme_defaults() -> dict[str, Any]:
    """Each programme column's value for a member no record gave it (its column default)."""
    out: dict[str, Any] = {}
    for spec in _PROGRAMME_SPECS:
        for column in _columns(spec):
            out[column] = _DEFAULT_BY_KIND.get(spec.kind, "")
    return {**out, **dict.fromkeys(DERIVED_COLUMNS)}


#: (column, attribute, is a date) of each identity column: built once, ingest calls this
#: for every record.
_IDENTITY_PLAN: tuple[tuple[str, str, bool], ...] = tuple(
    (f.member_column, f.attr, f.kind == "date")
    for f in RECORD_FIELDS
    if f.editable and f.member_column
)


def identity_values(rec: Enrolment, birth: date) -> dict[str, Any]:
    """The identity columns a record gives (the birth date as parsed by the caller)."""
    return {
        column: birth if is_date else getattr(rec, attr) for column, attr, is_date in _IDENTITY_PLAN
    }


def programme_values(rec: Enrolment) -> dict[str, Any]:
    """The programme columns a record gives (PROGRAMME_COLUMNS, in that order).

    `details` is kept as canonical JSON; an UMKM owner's start-up cash and the date
    the subsidised year ends are taken out of it for the money page."""
    out: dict[str, Any] = {}
    for spec in _PROGRAMME_SPECS:
        value = getattr(rec, spec.attr)
        if spec.kind == "household":
            out.update(zip(HOUSEHOLD_COLUMNS, _household(value), strict=True))
        elif spec.kind == "details":
            out[spec.member_column or ""] = None if value is None else canonical_json(value)
        else:
            out[spec.member_column or ""] = value
    out.update(_derived(rec))
    return out


def canonical_json(value: dict[str, Any]) -> str:
    """Details as stored: sorted keys, no spaces, text as typed (not \\u-escaped)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _household(value: Any) -> tuple[str, str, str]:
    return (value.kk, value.relation, value.head) if value is not None else ("", "", "")


def _derived(rec: Enrolment) -> dict[str, Any]:
    details = rec.details
    if details is None or rec.segment != Segment.UMKM_OWNER:
        return dict.fromkeys(DERIVED_COLUMNS)
    value = details.get("startup_cash")
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return {"startup_cash": int(value) if ok else None, "conversion_due": conversion_due(details)}
