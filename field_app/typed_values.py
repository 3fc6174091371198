"""What officers type, read into values and written back: dates, rupiah, hectares, and
the fields the form shows as plain inputs (`enrolment.fields.PLAIN_INPUTS`)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from enrolment.fields import PLAIN_INPUTS
from enrolment.records import Enrolment

_DMY = re.compile(r"^\s*(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})\s*$")


def parse_typed_date(text: str) -> str:
    """`HH-BB-TTTT` (as Indonesians write dates) or ISO to ISO; anything else unchanged."""
    m = _DMY.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text.strip()
    return text.strip()


def format_date(iso: str) -> str:
    """ISO date to `HH-BB-TTTT` for display."""
    try:
        d = date.fromisoformat(iso)
    except (TypeError, ValueError):
        return iso
    return f"{d.day:02d}-{d.month:02d}-{d.year}"


def parse_rupiah(text: str) -> int | None:
    """`Rp 1.500.000` or `1500000` to 1500000; None when blank, -1 when not an amount."""
    cleaned_text = text.replace("Rp", "").replace(".", "").replace(" ", "").replace(",", "")
    if not cleaned_text:
        return None
    return int(cleaned_text) if cleaned_text.isascii() and cleaned_text.isdigit() else -1


def parse_hectares(text: str) -> float | str:
    """Hectares as typed (0,5) to a number."""
    # Indonesians write 0,5 ha; a value that is not a number goes through as text
    # so the domain rule reports it at the field.
    try:
        return float(text.replace(",", "."))
    except ValueError:
        return text


def typed_text(value: Any, kind: str) -> str:
    """A stored detail value as the officer types it (undoes the parsing above)."""
    if value is None:
        return ""
    if kind == "date":
        return format_date(str(value))
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return str(value)


def plain_record_values(typed: dict[str, str]) -> dict[str, Any]:
    """The record's values of the plain inputs, from what was typed (by attr)."""
    out: dict[str, Any] = {}
    for spec in PLAIN_INPUTS:
        value = str(typed.get(spec.attr, "")).strip()
        out[spec.attr] = parse_rupiah(value) if spec.kind == "money" else value
    return out


def plain_typed_values(rec: Enrolment) -> dict[str, str]:
    """The plain inputs as the form shows a stored record's values."""
    out = {}
    for spec in PLAIN_INPUTS:
        value = getattr(rec, spec.attr)
        out[spec.attr] = "" if value is None else str(value)
    return out
