"""The desk writes times in WITA, dates as DD-MM-YYYY, numbers the Indonesian way, sex as
L/P and codes in words; failed sign-ins are in the audit log (real HTTP)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace
from datetime import datetime, timedelta

import httpx
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from sync_server.desk_format import format_number, format_percent, parse_day
from tests.conftest import nik_for, person
from tests.integration.conftest import Server
from tests.integration.desk import Desk, make_user

# 23:30 UTC on 1 March is 07:30 the next morning in Lombok (UTC+8).
KNOWN_UTC = datetime(2026, 3, 1, 23, 30, 5)


def _csv(r: httpx.Response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))


def _audit_count(server: Server, action: str) -> int:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT count(*) FROM audit_log WHERE action = :a"), {"a": action}
        ).scalar_one()


def test_audit_times_are_wita_and_actions_are_words(server: Server) -> None:
    desk = Desk(server)
    with server.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO audit_log (at, username, action, target, reason)"
                " VALUES (:at, 'koord', 'card_revoke', 'card:LT1', 'hilang')"
            ),
            {"at": KNOWN_UTC},
        )
    page = desk.get("/desk/audit").text
    assert "02-03-2026 07:30 WITA" in page
    assert "2026-03-01" not in page and " UTC" not in page
    assert "Kartu dicabut" in page and ">card_revoke<" not in page
    rows = _csv(desk.get("/desk/audit.csv"))
    header = rows[0]
    (row,) = [r for r in rows[1:] if r[header.index("action")] == "card_revoke"]
    assert row[header.index("at_wita")] == "02-03-2026 07:30:05"
    assert row[header.index("at_utc")] == "2026-03-01T23:30:05Z"  # kept for machines


def test_failed_sign_ins_are_in_the_audit_log_with_the_name_tried(server: Server) -> None:
    make_user(server, "koord")
    client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=60)
    secret = "salah-sekali-123"
    for name in ("koord", "siapa-ini"):  # an account with a wrong password, and no account
        token = re.search(r'name="login_csrf" value="([^"]+)"', client.get("/desk/login").text)
        assert token
        r = client.post(
            "/desk/login",
            data={"username": name, "password": secret, "login_csrf": token.group(1)},
        )
        assert r.status_code == 401
    client.close()
    desk = Desk(server, "pemeriksa")
    page = desk.get("/desk/audit").text
    failed = [row for row in page.split("<tr>") if "Gagal masuk" in row]
    assert len(failed) == 2, failed
    assert any(
        "siapa-ini (dicoba)" in row and "nama pengguna tidak dikenal" in row for row in failed
    )
    assert any("koord (dicoba)" in row and "kata sandi salah" in row for row in failed)
    assert all(re.search(r"\d\d-\d\d-20\d\d \d\d:\d\d WITA", row) for row in failed)
    assert secret not in page
    audit_csv = desk.get("/desk/audit.csv").content.decode("utf-8-sig")
    assert secret not in audit_csv and audit_csv.count("login_failed") == 2


def _enrol(server: Server) -> None:
    token = server.pair()
    people = [
        person(1, name="Lalu Satu"),
        replace(person(2, name="Baiq Dua", female=True), funding="add"),
    ]
    assert {r.outcome for r in server.push_results(token, people).values()} == {"created"}


def test_export_has_l_p_dd_mm_yyyy_and_wita(server: Server) -> None:
    _enrol(server)
    desk = Desk(server)
    with server.engine.begin() as conn:  # enrolled at 23:30 UTC: the next day in WITA
        conn.execute(sa.text("UPDATE members SET created_at = :t"), {"t": KNOWN_UTC})
    rows = _csv(desk.post("/desk/exports/members", {"fmt": "csv"}))
    header, body = rows[0], {r[0]: r for r in rows[1:]}
    sex = header.index("Jenis kelamin / Sex")
    assert body[nik_for(1)][sex] == "L" and body[nik_for(2, female=True)][sex] == "P"
    birth = header.index("Tanggal lahir / Birth date")
    assert body[nik_for(1)][birth] == "17-08-1985"
    enrolled = header.index("Terdaftar (WITA) / Enrolled (WITA)")
    assert body[nik_for(1)][enrolled] == "02-03-2026 07:30:05"

    r = desk.post("/desk/exports/members", {"fmt": "xlsx"})
    ws = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    xlsx_header, *xlsx_rows = [list(row) for row in ws.iter_rows(values_only=True)]
    by_nik = {row[0]: row for row in xlsx_rows}
    assert by_nik[nik_for(2, female=True)][xlsx_header.index("Jenis kelamin / Sex")] == "P"
    assert by_nik[nik_for(1)][xlsx_header.index("Terdaftar (WITA) / Enrolled (WITA)")] == (
        KNOWN_UTC + timedelta(hours=8)
    )
    first_row = next(load_workbook(io.BytesIO(r.content)).active.iter_rows(min_row=2))
    birth_cell = first_row[xlsx_header.index("Tanggal lahir / Birth date")]
    assert birth_cell.number_format == "DD-MM-YYYY"  # a date Excel sorts, shown DD-MM-YYYY


def test_date_fields_take_dd_mm_yyyy_and_refuse_a_bad_date(server: Server) -> None:
    _enrol(server)
    desk = Desk(server)
    with server.engine.begin() as conn:
        conn.execute(sa.text("UPDATE members SET created_at = :t"), {"t": KNOWN_UTC})
    for page in ("/desk/exports", "/desk/cards"):
        html = desk.get(page).text
        assert 'type="date"' not in html  # the browser's locale would decide the format
        assert 'placeholder="HH-BB-TTTT"' in html

    # 07:30 WITA on 2 March: in an export from 02-03-2026, not in one up to 01-03-2026.
    def count(**dates: str) -> int:
        r = desk.post("/desk/exports/members", {"fmt": "csv", **dates})
        assert r.status_code == 200, r.text[:500]
        return len(_csv(r)) - 1

    assert count(date_from="02-03-2026", date_to="02-03-2026") == 2
    assert count(date_to="01-03-2026") == 0
    assert count(date_from="2026-03-02") == 2  # ISO is still understood
    assert count(date_from="3-3-2026") == 0
    before = _audit_count(server, "export_members")
    for bad in ("31-02-2026", "kemarin", "2026/13/01"):
        r = desk.post("/desk/exports/members", {"fmt": "csv", "date_from": bad})
        assert r.status_code == 400 and "text/html" in r.headers["content-type"]
        assert "tulis HH-BB-TTTT" in r.text and "Terdaftar dari" in r.text
    r = desk.post(
        "/desk/exports/members", {"fmt": "csv", "date_from": "05-03-2026", "date_to": "01-03-2026"}
    )
    assert r.status_code == 400 and "Tanggal awal sesudah tanggal akhir" in r.text
    assert _audit_count(server, "export_members") == before  # nothing was exported
    r = desk.post("/desk/cards/reprints", {"since": "30-02-2026"})
    assert r.status_code == 400 and "HH-BB-TTTT" in r.text
    assert _audit_count(server, "cards_reprint") == 0


def test_review_scan_counts_and_seconds_read_as_indonesian(server: Server) -> None:
    token = server.pair()
    other = server.pair()
    right = person(50, name="Lalu Ahmad Fauzi")
    typo = person(51, name="Lalu Ahmad Fauzy")  # one person, a mistyped NIK
    server.push_results(token, [right])
    # Enrolled under another name, then corrected (held at ingest if alike at once).
    server.push_results(other, [replace(typo, full_name="Lalu Sapri")])
    server.push_results(other, [replace(typo, version=2)])
    desk = Desk(server)
    r = desk.post("/desk/review/scan")
    page = desk.get(r.headers["location"]).text
    note = page.split('id="scan-result"', 1)[1].split("</div>", 1)[0]
    assert "1 pair found" in note and "pairs" not in note
    assert re.search(r"\((&lt; )?\d+,\d detik\)", note), note  # "0,1 detik", never "0.0"
    item = re.search(r'href="/desk/review/(\d+)"', page)
    assert item
    view = desk.get(f"/desk/review/{item.group(1)}").text
    assert "Terbuka / Open" in view and ">open<" not in view
    assert "17-08-1985" in view and "1985-08-17" not in view
    assert re.search(r"\d\d-\d\d-20\d\d \d\d:\d\d WITA", view)
    assert '<dd class="diff">L</dd>' in view or '<dd class="">L</dd>' in view


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [(1457591, 0, "1.457.591"), (1234.5, 1, "1.234,5"), (0.25, 1, "0,2"), (None, 0, "–")],
)
def test_number_format(value: float | None, decimals: int, shown: str) -> None:
    assert format_number(value, decimals) == shown


def test_percent_format() -> None:
    assert format_percent(100.0) == "100,0 %" and format_percent(1234.56) == "1.234,6 %"


def test_parse_day_reads_both_orders() -> None:
    assert parse_day("01-11-2026") == parse_day("2026-11-01") == parse_day("1/11/2026")
    assert parse_day("  ") is None
    with pytest.raises(ValueError):
        parse_day("11-2026")
