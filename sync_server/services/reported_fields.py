"""The record fields the desk reports (`enrolment.fields.REPORTED`): the rows review
shows under a member's identity and the columns the member export adds.

Values come from member columns (written at ingest, `enrolment.member_columns`) or,
for a submission not (yet) in a member, from its stored wire payload; both go through
the same projection, so a new reported field appears in review and export without
either naming it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from enrolment.contributions import format_rupiah
from enrolment.fields import HOUSEHOLD_COLUMNS, REPORTED, FieldSpec
from enrolment.member_columns import programme_values
from enrolment.messages import MESSAGES, text, texts
from enrolment.protocol import WireError, record_from_wire

#: The household block is reported as its KK and relation (the anchor's cid is internal).
_HOUSEHOLD_REPORTED = HOUSEHOLD_COLUMNS[:2]


def _columns(spec: FieldSpec) -> tuple[str, ...]:
    return _HOUSEHOLD_REPORTED if spec.kind == "household" else (spec.member_column or "",)


#: (member column, the kind of value it holds), in wire order.
REPORTED_COLUMNS: tuple[tuple[str, str], ...] = tuple(
    (column, spec.kind) for spec in REPORTED for column in _columns(spec)
)
#: The catalogue code labelling each column: its own `col_<column>` entry where the desk
#: words it differently from the form, else the form's label (the field's `attr`).
_LABELS: dict[str, str] = {
    column: f"col_{column}" if f"col_{column}" in MESSAGES else spec.attr
    for spec in REPORTED
    for column in _columns(spec)
}


@dataclass(frozen=True)
class ReportedRow:
    """One reported field of one side of a review: its labels and its value as shown."""

    column: str
    label_id: str
    label_en: str
    value: str


def from_member(member: Any) -> dict[str, Any]:
    """The reported columns of a member row (or anything with those attributes)."""
    return {column: getattr(member, column, None) for column, _ in REPORTED_COLUMNS}


def from_payload(payload: str) -> dict[str, Any]:
    """The reported columns a stored submission gives (see `from_wire`)."""
    try:
        sent = json.loads(payload)
    except ValueError:
        sent = None
    return from_wire(sent)


def from_wire(sent: Any) -> dict[str, Any]:
    """The reported columns of a record's wire form; empty values if it cannot be read
    (stored payloads were valid when received, so this is only a safety net)."""
    try:
        values = programme_values(record_from_wire(sent))
    except (WireError, ValueError, TypeError):
        values = {}
    return {column: values.get(column) for column, _ in REPORTED_COLUMNS}


def review_rows(values: dict[str, Any]) -> list[ReportedRow]:
    """The reported fields as the review page shows them ("Indonesia / English" values)."""
    rows = []
    for column, kind in REPORTED_COLUMNS:
        label_id, label_en = texts(_LABELS[column])
        shown = [_shown(column, kind, values.get(column), lang) for lang in ("id", "en")]
        value = shown[0] if shown[0] == shown[1] else f"{shown[0]} / {shown[1]}"
        rows.append(ReportedRow(column, label_id, label_en, value))
    return rows


def export_header() -> list[str]:
    """The export's column titles of the reported fields."""
    return [" / ".join(texts(_LABELS[column])) for column, _ in REPORTED_COLUMNS]


def export_values(values: dict[str, Any]) -> list[object]:
    """The reported fields as export cells: numbers stay numbers, codes become names."""
    out: list[object] = []
    for column, kind in REPORTED_COLUMNS:
        value = values.get(column)
        out.append(value if kind == "money" else _shown(column, kind, value, "id"))
    return out


def _shown(column: str, kind: str, value: Any, lang: str) -> str:
    if value is None or value == "":
        return ""
    if kind == "money":
        return format_rupiah(int(value))
    if kind == "flag":
        return text("yes" if value else "no", lang)
    if kind == "funding" or column == "household_relation":
        prefix = "funding" if kind == "funding" else "relation"
        return text(f"{prefix}_{value}", lang)
    return str(value)
