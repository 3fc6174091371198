"""The desk's progress report (GET /desk/report.pdf) over real HTTP, on SQLite and on
PostgreSQL: the PDF a coordinator downloads is A4, opens, and says what the database
holds (as of the end of the chosen WITA day); bad dates are refused with the Indonesian
message; only a signed-in desk user gets it, and each download is audited.

Members come in through the real sync push (known segments, funding and families, so
every expected figure is known by construction); a thousand more are planted straight
into `members` to reach four-digit figures, and registration and retirement times are
set in the database where a test needs a past they could not be pushed on.
"""

from __future__ import annotations

import html
from dataclasses import replace
from datetime import date, datetime, timedelta

import httpx
import pypdfium2 as pdfium
import sqlalchemy as sa
from sqlmodel import Session

from enrolment.contributions import format_rupiah, load_rates, monthly_contribution
from enrolment.household import Household
from enrolment.messages import text
from enrolment.records import Enrolment
from sync_server.desk_format import to_wita
from sync_server.models import Member, utcnow
from sync_server.services.coverage import coverage
from tests.conftest import nik_for, person
from tests.integration.conftest import Server
from tests.integration.desk import Desk

A4 = (595.28, 841.89)  # points
KK_POOR = "5203070101010001"
KK_MIGRANT = "5203070101010002"
WORKING = "991.162"  # 0.68 × 1.457.591 (assets/targets.json, population.csv)
OVERALL = "297.349"  # 30 % of it
SELONG_TARGET = 14_052  # 52.03.07: the overall target split over its 12 villages


def _num(n: float, decimals: int = 0) -> str:
    """Indonesian number format, written out independently of the code under test."""
    return f"{n:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def _pct(part: int, whole: int) -> str:
    return f"{_num(100 * part / whole, 1)} %"


def _today() -> date:
    return to_wita(utcnow()).date()


def _dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _pdf_text(r: httpx.Response) -> list[str]:
    """The PDF's pages as text (pdfium), each page checked to be A4."""
    assert r.status_code == 200, r.text[:2000]
    assert r.headers["content-type"] == "application/pdf"
    assert r.content.startswith(b"%PDF-")
    doc = pdfium.PdfDocument(r.content)
    pages = []
    try:
        assert len(doc) == 2
        for i in range(len(doc)):
            page = doc[i]
            width, height = page.get_size()
            assert abs(width - A4[0]) < 0.5 and abs(height - A4[1]) < 0.5, (width, height)
            textpage = page.get_textpage()
            pages.append(textpage.get_text_range().replace("\r\n", "\n"))
            textpage.close()
            page.close()
    finally:
        doc.close()
    return pages


def _line(pages: list[str], start: str) -> str:
    """The one text line beginning with `start` (whitespace collapsed)."""
    found = [
        " ".join(line.split())
        for page in pages
        for line in page.splitlines()
        if line.strip().startswith(start)
    ]
    assert found, f"no line starting {start!r} in\n" + "\n=====\n".join(pages)
    return found[0]


def _lines(pages: list[str], start: str) -> list[str]:
    return [
        " ".join(line.split())
        for page in pages
        for line in page.splitlines()
        if line.strip().startswith(start)
    ]


def _plant(server: Server, n: int, first_serial: int, funding: str = "dbhcht") -> None:
    """`n` tobacco farmers in Selong's first village, straight into `members`."""
    now = utcnow()
    rows = [
        {
            "nik": f"520307{first_serial + i:010d}",
            "full_name": f"Tanam {first_serial + i}",
            "birth_date": date(1985, 8, 17),
            "sex": "M",
            "village_code": "52.03.07.1001",
            "segment": "tobacco_farmer",
            "funding": funding,
            "created_at": now,
            "updated_at": now,
        }
        for i in range(n)
    ]
    with server.engine.begin() as conn:
        conn.execute(sa.insert(Member.__table__), rows)  # type: ignore[attr-defined]


def _family(serials: list[int], kk: str, segment: str, relations: list[str]) -> list[Enrolment]:
    """One household's records, the first its head (the anchor)."""
    people = [
        person(s, female=rel == "spouse", segment=segment)
        for s, rel in zip(serials, relations, strict=True)
    ]
    head = people[0].client_id
    return [
        replace(p, household=Household(kk, rel, head))
        for p, rel in zip(people, relations, strict=True)
    ]


def _push(server: Server, records: list[Enrolment]) -> None:
    token = server.pair()
    results = server.push_results(token, records)
    assert {r.outcome for r in results.values()} == {"created"}, results


def _audit(server: Server) -> list[tuple[str, str, str]]:
    with server.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT username, action, target FROM audit_log ORDER BY id")
        ).all()
    return [tuple(row) for row in rows]


def _set_time(server: Server, serial: int, at: datetime, *, female: bool = False) -> None:
    """Move a pushed member's registration to `at` (stored UTC)."""
    with server.engine.begin() as conn:
        done = conn.execute(
            sa.text("UPDATE members SET created_at = :t WHERE nik = :n"),
            {"t": at, "n": nik_for(serial, female=female)},
        )
    assert done.rowcount == 1


def _retire(server: Server, serial: int, at: datetime) -> None:
    """Retire a member as a coordinator's rejection does, at `at` (stored UTC)."""
    with server.engine.begin() as conn:
        member_id = conn.execute(
            sa.text("SELECT id FROM members WHERE nik = :n"), {"n": nik_for(serial)}
        ).scalar_one()
        conn.execute(
            sa.text("INSERT INTO retired_members (member_id, retired_at) VALUES (:m, :t)"),
            {"m": member_id, "t": at},
        )


def test_todays_report_shows_the_databases_figures(server: Server) -> None:
    rates = load_rates(day=_today().replace(day=1))
    farmers = [
        replace(person(1), funding="", income=2_000_000),  # the usual payer: DBHCHT
        replace(person(2), funding="dbhcht", income=None),
        replace(person(3), funding="add", income=3_500_000),
    ]
    owners = [
        replace(person(4, segment="umkm_owner"), income=1_000_000),
        replace(person(5, female=True, segment="umkm_owner")),
    ]
    official = replace(person(6, segment="village_official"), income=4_000_000)  # ADD
    poor = _family([7, 8, 9], KK_POOR, "poor_household", ["head", "spouse", "child"])  # APBD
    migrants = _family([10, 11], KK_MIGRANT, "migrant_worker", ["head", "spouse"])  # self
    _push(server, [*farmers, *owners, official, *poor, *migrants])
    _plant(server, 1_234, 100_000)  # DBHCHT, no income declared

    def monthly(records: list[Enrolment]) -> int:
        return sum(monthly_contribution(r.income or 0, rates).total for r in records)

    add = [farmers[2], official]
    dbhcht_monthly = monthly(farmers[:2]) + 1_234 * monthly_contribution(0, rates).total
    apbd = poor
    tobacco, umkm, total = 3 + 1_234, 2, 11 + 1_234
    assert server.count("members") == total

    desk = Desk(server)
    today = _today()
    r = desk.get(f"/desk/report.pdf?tanggal={_dmy(today)}")
    pages = _pdf_text(r)
    assert r.headers["cache-control"] == "no-store"
    assert f'filename="laporan-kemajuan-{today:%Y%m%d}.pdf"' in r.headers["content-disposition"]
    assert text("rep_title") in pages[0]
    assert f"keadaan per {_dmy(today)} pukul 24.00 WITA" in pages[0]

    # Targets: tobacco farmers against 17.000, UMKM owners against 73.000, all workers.
    assert _line(pages, "Petani tembakau") == (
        f"Petani tembakau {_num(tobacco)} 17.000 {_pct(tobacco, 17_000)}"
    )
    assert _line(pages, "Pelaku UMKM") == f"Pelaku UMKM {umkm} 73.000 {_pct(umkm, 73_000)}"
    assert _line(pages, "Seluruh pekerja") == (
        f"Seluruh pekerja (30 % × {WORKING} penduduk bekerja) {_num(total)} {OVERALL}"
        f" {_pct(total, 297_349)}"
    )
    assert tobacco == 1_237 and _num(tobacco) == "1.237" and _pct(tobacco, 17_000) == "7,3 %"
    # The kecamatan table: everyone lives in Selong.
    assert _line(pages, "Selong") == (
        f"Selong {_num(total)} {_num(SELONG_TARGET)} {_pct(total, SELONG_TARGET)}"
    )
    assert _line(pages, "Sembalun") == "Sembalun 0 7.020 0,0 %"

    # Segments (page 2): count, target, achieved, share of all members.
    segments = pages[1].split(text("rep_segments"), 1)[1]
    assert _line([segments], "Petani tembakau") == (
        f"Petani tembakau {_num(tobacco)} 17.000 {_pct(tobacco, 17_000)} {_pct(tobacco, total)}"
    )
    assert _line([segments], "Masyarakat miskin") == f"Masyarakat miskin 3 – – {_pct(3, total)}"
    assert _line([segments], "Pekerja migran") == f"Pekerja migran 2 – – {_pct(2, total)}"
    assert _line([segments], "Jumlah") == f"Jumlah {_num(total)} 100,0 %"

    # Families: two KKs, five members enrolled with their family, 2,5 a KK.
    assert _line(pages, "2 keluarga (KK)") == (
        "2 keluarga (KK) dengan 5 anggota terdaftar bersama keluarganya;"
        " rata-rata 2,5 orang per KK."
    )

    # Funding by source: members, per month and per year at the rates of this month (its first day).
    def funding_row(label: str, n: int, per_month: int) -> str:
        return f"{label} {_num(n)} {format_rupiah(per_month)} {format_rupiah(12 * per_month)}"

    assert _line(pages, "Alokasi Dana Desa (ADD)") == funding_row(
        "Alokasi Dana Desa (ADD)", 2, monthly(add)
    )
    assert _line(pages, "DBHCHT") == funding_row(
        "DBHCHT (cukai tembakau)", 2 + 1_234, dbhcht_monthly
    )
    assert _line(pages, "APBD Kabupaten") == funding_row("APBD Kabupaten", 3, monthly(apbd))
    public = monthly(add) + dbhcht_monthly + monthly(apbd)
    assert _line(pages, "Anggaran publik") == funding_row(
        "Anggaran publik (ADD + DBHCHT + APBD)", 2 + 1_236 + 3, public
    )
    everyone = public + monthly(owners) + monthly(migrants)
    assert _line(pages, "Seluruh iuran") == funding_row("Seluruh iuran", total, everyone)
    assert format_rupiah(dbhcht_monthly).count(".") >= 1  # thousands written with '.'
    assert f"berlaku {_dmy(today.replace(day=1))}" in pages[1]  # the month's table

    # Without a date it is today's report too; each download is audited.
    assert _line(_pdf_text(desk.get("/desk/report.pdf")), "Seluruh pekerja").endswith(
        f"{_num(total)} {OVERALL} {_pct(total, 297_349)}"
    )
    downloads = [row for row in _audit(server) if row[1] == "export_report"]
    assert downloads == [("koord", "export_report", f"tanggal:{_dmy(today)}")] * 2
    audit_csv = desk.get("/desk/audit.csv").content.decode("utf-8-sig")
    assert "export_report" in audit_csv and f"tanggal:{_dmy(today)}" in audit_csv


def test_a_past_days_report_counts_the_members_there_were_then(server: Server) -> None:
    today = _today()
    day = today - timedelta(days=10)
    wita_midnight = datetime.combine(day + timedelta(days=1), datetime.min.time()) - timedelta(
        hours=8
    )  # the end of `day` in WITA, as stored (UTC)
    a, b = _family([1, 2], KK_POOR, "poor_household", ["head", "spouse"])
    c = replace(person(3), funding="dbhcht")
    d = replace(person(4), funding="dbhcht")
    e = person(5, segment="umkm_owner")
    _push(server, [a, b, c, d, e])
    _set_time(server, 1, wita_midnight - timedelta(minutes=30))  # 23.30 WITA that day
    _set_time(server, 2, wita_midnight + timedelta(minutes=30), female=True)  # 00.30 next day
    for serial in (3, 4):
        _set_time(server, serial, wita_midnight - timedelta(days=5))
    _retire(server, 3, wita_midnight - timedelta(days=2))  # rejected before the day ended
    _retire(server, 4, wita_midnight + timedelta(days=2))  # merged away only afterwards

    desk = Desk(server)
    before = server.count("members"), server.count("retired_members")
    then = _pdf_text(desk.get(f"/desk/report.pdf?tanggal={_dmy(day)}"))
    assert f"keadaan per {_dmy(day)} pukul 24.00 WITA" in then[0]
    # Then: the head (a) and the farmer retired later (d); not b, c, nor e.
    assert _line(then, "Seluruh pekerja").endswith(f" 2 {OVERALL} {_pct(2, 297_349)}")
    assert _line(then, "Petani tembakau") == f"Petani tembakau 1 17.000 {_pct(1, 17_000)}"
    assert _line(then, "Pelaku UMKM") == "Pelaku UMKM 0 73.000 0,0 %"
    assert _line(then, "APBD Kabupaten").startswith("APBD Kabupaten 1 Rp ")
    assert _line(then, "DBHCHT").startswith("DBHCHT (cukai tembakau) 1 Rp ")
    assert _line(then, "1 keluarga (KK)") == (
        "1 keluarga (KK) dengan 1 anggota terdaftar bersama keluarganya;"
        " rata-rata 1,0 orang per KK."
    )
    assert f"berlaku {_dmy(day.replace(day=1))}" in then[1]
    # The week trend ends with that day's week.
    weeks = then[1].split(text("rep_segments"), 1)[0]
    monday = day - timedelta(days=day.weekday())
    assert f"{monday:%d/%m}" in weeks
    assert f"{monday + timedelta(weeks=1):%d/%m}" not in weeks

    # Today: a, b and e; c and d retired.
    now = _pdf_text(desk.get(f"/desk/report.pdf?tanggal={_dmy(today)}"))
    assert _line(now, "Seluruh pekerja").endswith(f" 3 {OVERALL} {_pct(3, 297_349)}")
    assert _line(now, "Petani tembakau") == "Petani tembakau 0 17.000 0,0 %"
    assert _line(now, "Pelaku UMKM") == f"Pelaku UMKM 1 73.000 {_pct(1, 73_000)}"
    assert _line(now, "APBD Kabupaten").startswith("APBD Kabupaten 2 Rp ")
    assert _line(now, "1 keluarga (KK)").startswith("1 keluarga (KK) dengan 2 anggota")
    # Reading the past changed nothing.
    assert (server.count("members"), server.count("retired_members")) == before


def test_a_bad_or_future_date_is_refused_in_indonesian(server: Server) -> None:
    _push(server, [person(1)])
    desk = Desk(server)
    tomorrow = _dmy(_today() + timedelta(days=1))
    cases = {
        "99-99-2026": text("desk_report_date_bad", value="99-99-2026"),
        "garbage": text("desk_report_date_bad", value="garbage"),
        "31-02-2026": text("desk_report_date_bad", value="31-02-2026"),
        "2026-13-01": text("desk_report_date_bad", value="2026-13-01"),
        tomorrow: text("desk_report_date_future", value=tomorrow),
        "31-12-9999": text("desk_report_date_future", value="31-12-9999"),
        # Year 1 once overflowed the 12-week trend: a 500.
        "01-01-0001": text("desk_report_date_early", value="01-01-0001", earliest="01-01-2000"),
        "0001-01-01": text("desk_report_date_early", value="0001-01-01", earliest="01-01-2000"),
    }
    before = server.count("members"), len(_audit(server))
    for value, message in cases.items():
        r = desk.get("/desk/report.pdf", params={"tanggal": value})
        assert r.status_code == 400, (value, r.status_code, r.text[:500])
        assert "text/html" in r.headers["content-type"], value
        page = html.unescape(r.text)
        assert message in page, (value, page[:2000])
        assert "Traceback" not in page and "%PDF" not in page
    assert "Tanggal laporan tidak valid: 99-99-2026" in html.unescape(
        desk.get("/desk/report.pdf?tanggal=99-99-2026").text
    )
    assert "belum terjadi" in html.unescape(desk.get(f"/desk/report.pdf?tanggal={tomorrow}").text)
    # Text longer than any date is refused before the route runs, still as a page.
    long = desk.get("/desk/report.pdf", params={"tanggal": "1" * 200})
    assert long.status_code == 422 and "text/html" in long.headers["content-type"]
    # Nothing was written, not even an audit entry.
    assert (server.count("members"), len(_audit(server))) == before


def test_only_a_signed_in_desk_user_gets_the_report(server: Server) -> None:
    bearer = {"Authorization": f"Bearer {server.pair()}"}
    for headers in ({}, bearer):
        for query in ("", f"?tanggal={_dmy(_today())}"):
            r = httpx.get(f"{server.url}/desk/report.pdf{query}", headers=headers)
            assert r.status_code == 303 and r.headers["location"] == "/desk/login", r.text[:300]
            assert b"%PDF" not in r.content
    # A stale or forged session cookie is no better.
    r = httpx.get(f"{server.url}/desk/report.pdf", cookies={"desk_session": "x" * 43})
    assert r.status_code == 303 and r.headers["location"] == "/desk/login"
    assert [row for row in _audit(server) if row[1] == "export_report"] == []
    # An administrator is a desk user too.
    admin = Desk(server, "admin", "administrator")
    assert admin.get("/desk/report.pdf").headers["content-type"] == "application/pdf"
    assert [row for row in _audit(server) if row[1] == "export_report"] == [
        ("admin", "export_report", f"tanggal:{_dmy(_today())}")
    ]


def test_the_week_trend_counts_by_the_wita_day(server: Server) -> None:
    """A Monday 07.00 WITA enrolment is stored as Sunday 23.00 UTC: it belongs to that
    Monday's week (on the coverage page and the report), the Sunday 23.00 WITA one to
    the week before."""
    _push(server, [person(701), person(702)])
    monday = _today() - timedelta(days=_today().weekday())
    sunday_utc = datetime.combine(monday - timedelta(days=1), datetime.min.time())
    _set_time(server, 701, sunday_utc + timedelta(hours=23))  # Monday 07.00 WITA
    _set_time(server, 702, sunday_utc + timedelta(hours=15))  # Sunday 23.00 WITA
    with Session(server.engine) as session:
        weeks = coverage(session=session, weeks=2, today=monday).weeks
    assert [(w.code, w.count) for w in weeks] == [
        ((monday - timedelta(weeks=1)).isoformat(), 1),
        (monday.isoformat(), 1),
    ]
