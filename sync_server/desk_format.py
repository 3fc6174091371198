"""How the desk writes times, dates and numbers for people in Lombok Timur.

Stored times stay UTC (naive datetimes, as `models.utcnow` makes them); they are shown
in WITA (Asia/Makassar, UTC+8, no daylight saving), the clock of the office. Dates are
DD-MM-YYYY, and numbers use "." between thousands and "," before decimals. The desk's
pages (web/templating.py) and its files (exports, the audit CSV) share these, so a
time reads the same on the screen and in the spreadsheet.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from enrolment.messages import text

WITA = ZoneInfo("Asia/Makassar")
WITA_LABEL = "WITA"
DAY_FORMAT = "%d-%m-%Y"
#: What a date field asks for: the placeholder and the browser's pattern check.
DAY_PLACEHOLDER = "HH-BB-TTTT"
# No character classes: browsers compile `pattern` with the `v` flag, where an
# unescaped / or - inside [...] is an error and the whole check is silently dropped.
DAY_PATTERN = r"\d{1,2}-\d{1,2}-\d{4}|\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}"
_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def to_wita(value: datetime) -> datetime:
    """`value` on the WITA clock; a naive datetime is a stored UTC time."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(WITA)


def format_when(value: datetime | date | None) -> str:
    """`02-12-2026 16:40 WITA` for a time, `02-12-2026` for a date, "–" for nothing."""
    if value is None:
        return "–"
    if isinstance(value, datetime):
        return to_wita(value).strftime(f"{DAY_FORMAT} %H:%M") + f" {WITA_LABEL}"
    return value.strftime(DAY_FORMAT)


def format_when_seconds(value: datetime) -> str:
    """`02-12-2026 16:40:05`, WITA, for files (the column's header says WITA)."""
    return to_wita(value).strftime(f"{DAY_FORMAT} %H:%M:%S")


def format_day(value: date | str | None) -> str:
    """DD-MM-YYYY of a date or of an ISO date string (as a tablet sends it); other text
    is returned as it is, so a malformed value sent by a tablet is still shown."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        if not _ISO.fullmatch(value):
            return value
        try:
            value = date.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return format_when(value)
    return value.strftime(DAY_FORMAT)


def parse_day(text: str) -> date | None:
    """The date a person typed: DD-MM-YYYY (also with / or .), or ISO YYYY-MM-DD (what a
    browser's own date picker sends). Empty text is None; anything else raises ValueError."""
    text = text.strip()
    if not text:
        return None
    if _ISO.fullmatch(text):
        return date.fromisoformat(text)
    match = _DMY.fullmatch(text)
    if match is None:
        raise ValueError(f"not a date: {text!r}")
    day, month, year = (int(g) for g in match.groups())
    return date(year, month, day)  # raises ValueError for 31-02-2026


def wita_midnight_utc(day: date) -> datetime:
    """The stored (naive UTC) instant at which `day` begins in WITA: a date filter means
    the office's day, not Greenwich's."""
    return datetime.combine(day, time(), WITA).astimezone(UTC).replace(tzinfo=None)


def format_number(value: float | None, decimals: int = 0) -> str:
    """`1.457.591`, `12,5`: Indonesian separators; "–" for no value."""
    if value is None:
        return "–"
    english = f"{value:,.{decimals}f}"  # 1,457,591.50
    return english.replace(",", "\0").replace(".", ",").replace("\0", ".")


def format_percent(value: float | None, decimals: int = 1) -> str:
    """`100,0 %`; "–" for no value (no target)."""
    return "–" if value is None else f"{format_number(value, decimals)} %"


def sex_letter(code: str) -> str:
    """L (laki-laki) or P (perempuan), as BPJS's forms write sex, for the record's M or
    F; "" for anything else."""
    return text(f"sex_short_{code}") if code in ("M", "F") else ""
