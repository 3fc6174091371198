"""Exports (XLSX/CSV), KPJ import, audit CSV, and the coverage and money pages (real HTTP)."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import replace

import sqlalchemy as sa
from openpyxl import Workbook, load_workbook

from tests.conftest import nik_for, person
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def enrol(server: Server) -> tuple[str, list]:
    token = server.pair()
    people = [
        person(1, name="Lalu Satu", segment="tobacco_farmer"),
        person(
            2, name="Baiq Dua", female=True, segment="village_official", village="52.03.08.2001"
        ),
        replace(
            person(3, name="Amaq Tiga", segment="village_official"), funding="add", income=2_000_000
        ),
        replace(person(4, name="Inaq Empat", female=True), funding="dbhcht"),
    ]
    results = server.push_results(token, people)
    assert {r.outcome for r in results.values()} == {"created"}
    return token, people


def test_xlsx_and_csv_exports_match_the_database_and_are_audited(server: Server) -> None:
    enrol(server)
    desk = Desk(server)
    r = desk.post("/desk/exports/members", {"fmt": "xlsx"})
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-disposition"].endswith('.xlsx"')
    ws = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    header, *rows = [list(row) for row in ws.iter_rows(values_only=True)]
    assert header[0] == "NIK" and header[1] == "KPJ"
    with server.engine.connect() as conn:
        db = conn.execute(
            sa.text("SELECT nik, full_name, birth_date, village_code FROM members ORDER BY id")
        ).all()
    assert len(rows) == len(db) == 4
    by_nik = {row[0]: row for row in rows}
    for m in db:
        row = by_nik[m.nik]  # NIK kept as text, all 16 digits
        assert row[2] == m.full_name
        assert str(row[3])[:10] == str(m.birth_date) and row[5] == m.village_code

    r = desk.post(
        "/desk/exports/members", {"fmt": "csv", "segment": "village_official", "area": "52.03.08"}
    )
    assert r.status_code == 200
    lines = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(lines) == 2 and lines[1][0] == nik_for(2, female=True)
    for bad in ({"fmt": "pdf"}, {"segment": "x"}, {"area": "99.99"}, {"date_from": "kemarin"}):
        r = desk.post("/desk/exports/members", {"fmt": "csv", **bad})
        assert r.status_code == 400 and "text/html" in r.headers["content-type"]
    r = desk.post("/desk/exports/members", {"fmt": "csv", "date_from": "2099-01-01"})
    assert len(r.content.decode("utf-8-sig").splitlines()) == 1

    audit = desk.get("/desk/audit.csv")
    assert audit.status_code == 200
    entries = list(csv.DictReader(io.StringIO(audit.content.decode("utf-8-sig"))))
    exports = [e for e in entries if e["action"] == "export_members"]
    assert len(exports) == 3 and all(e["username"] == "koord" for e in exports)
    assert '"rows": 4' in exports[0]["details"]


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _broken_xlsx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "not xml <")
        zf.writestr("xl/workbook.xml", "<<")
    return out.getvalue()


def test_kpj_import_with_good_and_bad_rows(server: Server) -> None:
    enrol(server)
    desk = Desk(server)
    data = _xlsx(
        [
            ["No", "NIK", "Nama", "KPJ"],
            [1, nik_for(1), "Lalu Satu", "12345678901"],
            [2, int(nik_for(3)), "Amaq Tiga", 98765432109],  # typed as numbers in Excel
            [3, "5203071708859999", "Tidak Ada", "11111111111"],  # unknown NIK
            [4, "52030717", "Pendek", "11111111111"],  # malformed NIK
            [5, nik_for(2, female=True), "Baiq", "12AB"],  # malformed KPJ
        ]
    )
    files = {"file": ("kpj.xlsx", data, "application/octet-stream")}
    r = desk.client.post("/desk/kpj", data={"csrf_token": desk.csrf}, files=files)
    assert r.status_code == 200, r.text[:500]
    assert "<strong>2</strong> disimpan" in r.text
    for reason in ("NIK tidak terdaftar", "NIK bukan 16 angka", "KPJ bukan 11 angka"):
        assert reason in r.text
    with server.engine.connect() as conn:
        stored = dict(
            conn.execute(
                sa.text(
                    "SELECT m.nik, k.kpj FROM member_kpj k JOIN members m ON m.id = k.member_id"
                )
            ).all()
        )
    assert stored == {nik_for(1): "12345678901", nik_for(3): "98765432109"}

    # CSV with ';' (Indonesian Excel) updates a KPJ.
    body = f"NIK;KPJ\n{nik_for(1)};22222222222\n".encode()
    files = {"file": ("kpj.csv", body, "text/csv")}
    r = desk.client.post("/desk/kpj", data={"csrf_token": desk.csrf}, files=files)
    assert "<strong>1</strong> disimpan" in r.text
    export = desk.post("/desk/exports/members", {"fmt": "csv"}).content.decode("utf-8-sig")
    assert f"{nik_for(1)},22222222222" in export

    unreadable = (
        ("x.csv", b"nama,nomor\na,b\n"),
        ("x.xlsx", b"PK\x03\x04broken"),
        ("x.xlsx", _broken_xlsx()),  # a zip whose workbook XML is garbage
        ("x.csv", b"NIK,KPJ\n" + b"1" * 200_000 + b",2\n"),  # over the csv field limit
    )
    for name, content in unreadable:
        files = {"file": (name, content, "application/octet-stream")}
        r = desk.client.post("/desk/kpj", data={"csrf_token": desk.csrf}, files=files)
        assert r.status_code == 400 and "msg bad" in r.text
    r = desk.client.post("/desk/kpj", data={"csrf_token": desk.csrf})  # no file
    assert r.status_code == 422 and "text/html" in r.headers["content-type"]
    r = desk.client.post("/desk/kpj", files={"file": ("k.csv", body, "text/csv")})  # no CSRF
    assert r.status_code == 403


def test_coverage_and_money_pages(server: Server) -> None:
    token, _ = enrol(server)
    umkm = replace(
        person(5, name="Baiq Lima", female=True, segment="umkm_owner"),
        details={
            "business_name": "Kopi Sembalun",
            "business_type": "food",
            "startup_cash": 750000,
            "cash_date": "2025-12-01",
        },
    )
    res = server.push_results(token, [umkm])[umkm.client_id]
    assert res.outcome == "created", res.problems
    desk = Desk(server)
    page = desk.get("/desk/").text
    assert "297.349" in page  # 30 % of 0.68 × 1.457.591
    assert "17.000" in page and "73.000" in page
    assert "<svg" in page and ("Sakra" in page or "Keruak" in page)
    money = desk.get("/desk/money").text
    # Amaq Tiga: ADD, income 2,000,000 → JKK 20,000 + JKM 6,800; Baiq Dua: ADD minimum
    # 16,800 (a village official's usual payer); Inaq Empat: DBHCHT minimum.
    assert "Rp 43.600" in money and "Rp 16.800" in money and "Rp 523.200" in money
    assert "Rp 750.000" in money


def test_money_page_follows_new_records(server: Server) -> None:
    """The money figures are kept between views; a record arriving must still show."""
    token, _ = enrol(server)
    desk = Desk(server)
    assert "Rp 43.600" in desk.get("/desk/money").text  # ADD: 26.800 + 16.800
    late = replace(
        person(6, name="Lalu Enam", segment="village_official"), funding="add", income=3_000_000
    )
    assert server.push_results(token, [late])[late.client_id].outcome == "created"
    money = desk.get("/desk/money").text
    assert "Rp 80.400" in money  # + JKK 30.000 + JKM 6.800
    assert "Rp 43.600" not in money
