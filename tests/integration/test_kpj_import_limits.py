"""The KPJ import against hostile spreadsheets (issue 10): a zip bomb is refused before
parsing, XML entities are refused, and a long parse leaves the server answering."""

from __future__ import annotations

import io
import threading
import time
import zipfile

import httpx
from openpyxl import Workbook

from tests.integration.conftest import Server
from tests.integration.desk import Desk

_OOXML = "http://schemas.openxmlformats.org"
_DOC_RELS = f"{_OOXML}/officeDocument/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
_CONTENT_TYPES = (
    f'<Types xmlns="{_OOXML}/package/2006/content-types">'
    '<Default Extension="rels"'
    ' ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/xl/workbook.xml" ContentType="{_SHEET_TYPE}.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    f' ContentType="{_SHEET_TYPE}.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'<workbook xmlns="{_OOXML}/spreadsheetml/2006/main" xmlns:r="{_DOC_RELS}">'
    '<sheets><sheet name="KPJ" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_DOC_RELS}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)
_HEADER_ROW = (
    '<row r="1"><c r="A1" t="inlineStr"><is><t>NIK</t></is></c>'
    '<c r="B1" t="inlineStr"><is><t>KPJ</t></is></c></row>'
)


def _xlsx(sheet_xml: bytes) -> bytes:
    """A minimal .xlsx around a hand-written worksheet."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
    return out.getvalue()


def _sheet(rows: bytes, prolog: bytes = b"") -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        + prolog
        + b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<sheetData>"
        + _HEADER_ROW.encode()
        + rows
        + b"</sheetData></worksheet>"
    )


def _upload(desk: Desk, name: str, data: bytes, timeout: float = 60) -> httpx.Response:
    return desk.client.post(
        "/desk/kpj",
        data={"csrf_token": desk.csrf},
        files={"file": (name, data, "application/octet-stream")},
        timeout=timeout,
    )


def test_a_zip_bomb_spreadsheet_is_refused_before_parsing(server: Server) -> None:
    """2 million rows in ~200 KB: today's parse ran for minutes with the server frozen."""
    rows = b"<row/>" * 2_000_000  # empty rows: today's reader walked every one
    bomb = _xlsx(_sheet(rows))
    assert len(bomb) < 300 * 1024, len(bomb)
    desk = Desk(server)
    started = time.monotonic()
    r = _upload(desk, "kpj.xlsx", bomb, timeout=30)
    took = time.monotonic() - started
    assert r.status_code == 400, r.text[:500]
    assert "terlalu besar setelah dibuka" in r.text and "unpacks into too much" in r.text
    assert took < 5, f"refusing the bomb took {took:.1f} s"
    assert server.count("member_kpj") == 0


def test_too_many_rows_within_the_archive_limits(server: Server) -> None:
    """Rows that compress modestly pass the archive check, then the row cap stops them."""
    rows = b"".join(
        b'<row r="%d"><c r="A%d"><v>%d</v></c><c r="B%d"><v>%d</v></c></row>'
        % (i, i, 5203071708850000 + i * 7919, i, 10_000_000_000 + i * 104_729)
        for i in range(2, 120_002)
    )
    desk = Desk(server)
    r = _upload(desk, "kpj.xlsx", _xlsx(_sheet(rows)))
    assert r.status_code == 400 and "Terlalu banyak baris" in r.text, r.text[:500]


def test_xml_entities_in_a_spreadsheet_are_refused(server: Server) -> None:
    prolog = b'<!DOCTYPE worksheet [<!ENTITY nik "5203071708850001">]>'
    row = b'<row r="2"><c r="A2" t="inlineStr"><is><t>&nik;</t></is></c></row>'
    desk = Desk(server)
    r = _upload(desk, "kpj.xlsx", _xlsx(_sheet(row, prolog)))
    assert r.status_code == 400 and "tidak bisa dibaca" in r.text, r.text[:500]


def test_the_server_answers_while_a_large_sheet_is_read(server: Server) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("KPJ")
    ws.append(["NIK", "KPJ", "NAMA"])
    for i in range(60_000):  # long enough a read that a blocked loop cannot hide
        ws.append([f"5203071708{i:06d}", f"{10_000_000_000 + i}", f"Nama Orang {i}"])
    out = io.BytesIO()
    wb.save(out)
    desk = Desk(server)
    result: dict[str, httpx.Response] = {}
    upload = threading.Thread(
        target=lambda: result.setdefault("r", _upload(desk, "kpj.xlsx", out.getvalue(), 120))
    )
    upload_started = time.monotonic()
    upload.start()
    slowest = 0.0
    polls = 0
    time.sleep(0.3)
    while upload.is_alive():
        started = time.monotonic()
        assert httpx.get(server.url + "/healthz", timeout=30).status_code == 200
        slowest = max(slowest, time.monotonic() - started)
        polls += 1
        time.sleep(0.1)
    upload.join()
    upload_took = time.monotonic() - upload_started
    print(f"upload {upload_took:.1f} s, slowest /healthz {slowest:.2f} s, {polls} polls")
    assert result["r"].status_code == 200, result["r"].text[:500]
    assert "60.000" in result["r"].text or "60000" in result["r"].text
    # On the event loop, a poll waits for the whole parse: about all of the upload after
    # the first 0.3 s. In a thread, a poll waits at most for the GIL now and then.
    assert slowest < min(2.0, 0.6 * (upload_took - 0.3)), (
        f"/healthz waited {slowest:.1f} s of {upload_took:.1f}"
    )
    assert polls >= 3
