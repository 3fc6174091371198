"""The schema's reported fields (enrolment.fields.REPORTED) reach the member export and
the review page, read from member columns and from the submission (real HTTP)."""

from __future__ import annotations

import io
from dataclasses import replace

from openpyxl import load_workbook

from enrolment.household import Household
from sync_server.services.reported_fields import export_header
from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def test_export_ends_with_the_reported_columns_and_their_values(server: Server) -> None:
    token = server.pair()
    anchor = replace(
        person(1, name="Amaq Satu", segment="poor_household"),
        details={},
        income=1_250_000,
        funding="apbd",
        jht=True,
    )
    anchor = replace(anchor, household=Household("5203070101010001", "head", anchor.client_id))
    results = server.push_results(token, [anchor, replace(person(2), funding="dbhcht")])
    assert {r.outcome for r in results.values()} == {"created"}
    r = Desk(server).post("/desk/exports/members", {"fmt": "xlsx"})
    assert r.status_code == 200, r.text[:300]
    ws = load_workbook(io.BytesIO(r.content), read_only=True).worksheets[0]
    header, *rows = [list(row) for row in ws.iter_rows(values_only=True)]
    tail = export_header()
    assert header[-len(tail) :] == tail
    by_nik = {row[0]: dict(zip(tail, row[-len(tail) :], strict=True)) for row in rows}
    mine = by_nik[anchor.nik]
    assert mine["Penghasilan per bulan / Monthly income"] == 1_250_000
    assert mine["Nomor KK / Family card (KK) no."] == "5203070101010001"
    assert mine["Ikut JHT / JHT (old-age savings)"] == "Ya"
    assert mine["Hubungan keluarga / Family relation"] == "Kepala keluarga"
    other = by_nik[person(2).nik]
    assert other["Nomor KK / Family card (KK) no."] in ("", None)
    assert other["Ikut JHT / JHT (old-age savings)"] == "Tidak"


def test_review_shows_the_reported_fields_of_both_sides(server: Server) -> None:
    token = server.pair()
    first = replace(person(5, name="Lalu Lima"), income=900_000, funding="self")
    assert server.push_results(token, [first])[first.client_id].outcome == "created"
    other = server.pair()
    clash = replace(person(5, name="Lalu Limaaa Berbeda"), funding="add")
    assert server.push_results(other, [clash])[clash.client_id].outcome == "conflict"
    desk = Desk(server)
    listing = desk.get("/desk/review")
    item = listing.text.split('href="/desk/review/', 1)[1].split('"', 1)[0]
    page = desk.get(f"/desk/review/{item}").text
    assert "Sumber dana iuran" in page and "Rp 900.000" in page
    assert "Dana Desa" in page or "ADD" in page  # the submission's funder, by name
