"""The one escaping rule for spreadsheet cells (CSV and XLSX exports)."""

from __future__ import annotations

from datetime import date

import pytest

from sync_server.services.spreadsheet_cells import safe_cell, safe_row


@pytest.mark.parametrize(
    ("raw", "written"),
    [
        ("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"),  # passed before: a digit after +
        ("-2+3", "'-2+3"),
        ('=HYPERLINK("http://x","klik")', '\'=HYPERLINK("http://x","klik")'),
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-", "'-"),
        ("+62 812 3456", "'+62 812 3456"),  # not a plain number
        ("-1.5", "'-1.5"),  # only whole numbers keep their sign
        ("+6281234567890", "+6281234567890"),
        ("-5", "-5"),
        ("081234567890", "081234567890"),
        ("Lalu Satu", "Lalu Satu"),
        ("Siti = Aminah", "Siti = Aminah"),
        ("", ""),
    ],
)
def test_text_that_would_run_as_a_formula_is_quoted(raw: str, written: str) -> None:
    assert safe_cell(raw) == written


def test_other_values_pass_unchanged() -> None:
    when = date(2026, 11, 25)
    assert safe_row([None, 42, -7, 1.5, when]) == [None, 42, -7, 1.5, when]
    assert safe_cell("+٣") == "'+٣"  # not an ASCII digit: not a number to a spreadsheet
