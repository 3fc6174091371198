"""One rule for every cell the server writes into a CSV or XLSX file.

Exports open in Excel or LibreOffice on office PCs. Text that starts with = + - @ or
a tab or carriage return is run there as a formula ("CSV injection"): a name typed on
a tablet as `+1+cmd|' /C calc'!A0` or `=HYPERLINK(...)` would execute. Such text gets
a leading apostrophe, which spreadsheets read as "this is text". Only whole numbers
(a phone number `+6281234567890`, `-5`) may keep a leading + or -.
"""

from __future__ import annotations

import re

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")


def safe_cell(value: object) -> object:
    """`value` as it may go into a spreadsheet cell: text a spreadsheet would run as a
    formula gets a leading apostrophe; anything else (numbers, dates, plain text) is
    returned unchanged."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if _WHOLE_NUMBER.fullmatch(value):
        return value
    return "'" + value


def safe_row(values: list[object]) -> list[object]:
    """Every cell of a row through `safe_cell`."""
    return [safe_cell(v) for v in values]
