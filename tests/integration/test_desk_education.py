"""Education sessions and UMKM follow-up on the desk (/desk/edukasi, the coverage, money
and progress report pages), over real HTTP on SQLite and PostgreSQL (issue 14).

A coordinator plans a session through the form (each kind of bad input is refused with
its reason and stores nothing), cancels one (audited, refused once attendance is
recorded); attendance and visits are planted straight into `attendances` and
`umkm_visits` as the activities endpoint stores them (member_id on a counted row,
outcome `recorded`), and every figure is checked against what was planted.
"""

from __future__ import annotations

import ast
import csv
import html
import io
import re
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import sqlalchemy as sa
from openpyxl import load_workbook

from enrolment.messages import MESSAGES
from sync_server.desk_format import to_wita
from sync_server.models import Member, utcnow
from tests.integration.conftest import Server
from tests.integration.desk import Desk

ROOT = Path(__file__).resolve().parents[2]
SELONG_1 = "52.03.07.1001"  # a village of Selong (52.03.07)
SELONG_2 = "52.03.07.1002"
OTHER_KEC = "52.03.01"
_M = Member.__table__  # type: ignore[attr-defined]


@pytest.fixture
def server(live_server: Server) -> Iterator[Server]:
    """The live server, emptied: the activity tables first (they refer to members,
    devices and sessions), then what conftest's reset empties."""
    with live_server.engine.begin() as conn:
        for table in ("attendances", "umkm_visits", "education_sessions"):
            conn.execute(sa.text(f"DELETE FROM {table}"))
    live_server.reset()
    start = live_server.log.stat().st_size
    yield live_server
    with live_server.log.open("rb") as f:
        f.seek(start)
        new_log = f.read().decode(errors="replace")
    assert "Traceback" not in new_log, new_log[-4000:]


# --- planting rows -----------------------------------------------------------------


def _today() -> date:
    return to_wita(utcnow()).date()


def _dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


def _nik(serial: int, kec: str = "07") -> str:
    return f"5203{kec}170885{serial:04d}"


def _member(
    server: Server,
    serial: int,
    *,
    segment: str = "tobacco_farmer",
    village: str = SELONG_1,
    name: str = "",
    cash: int | None = None,
    due: date | None = None,
) -> int:
    now = utcnow()
    row = {
        "nik": _nik(serial, village[6:8]),
        "full_name": name or f"Warga {serial}",
        "birth_date": date(1985, 8, 17),
        "sex": "M",
        "village_code": village,
        "segment": segment,
        "created_at": now,
        "updated_at": now,
        "startup_cash": cash,
        "conversion_due": due,
    }
    with server.engine.begin() as conn:
        return conn.execute(sa.insert(_M).values(row).returning(_M.c.id)).scalar_one()


def _device(server: Server, name: str = "tablet") -> int:
    with server.engine.begin() as conn:
        return conn.execute(
            sa.text(
                "INSERT INTO devices (name, officer, token_hash, created_at, area)"
                " VALUES (:n, '', :h, :t, '52.03.07') RETURNING id"
            ),
            {"n": name, "h": name.ljust(64, "0"), "t": utcnow()},
        ).scalar_one()


_CID = iter(range(1, 10**9))


def _attend(
    server: Server,
    device: int,
    session_id: int,
    *,
    member: int | None = None,
    nik: str = "",
    name: str = "",
    outcome: str = "recorded",
) -> None:
    method = "card" if member else ("nik" if nik else "guest")
    with server.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO attendances (device_id, client_id, content_hash, session_id,"
                " member_id, method, nik, guest_name, attended_at, outcome, member_no,"
                " problems, received_at) VALUES (:d, :c, 'h', :s, :m, :method, :nik, :name,"
                " '2027-01-15T02:00:00Z', :o, :no, '[]', :t)"
            ),
            {
                "d": device,
                "c": f"cid{next(_CID)}",
                "s": session_id,
                "m": member,
                "method": method,
                "nik": nik,
                "name": name,
                "o": outcome,
                "no": f"LT{member:07d}" if member else "",
                "t": utcnow(),
            },
        )


def _visit(
    server: Server,
    device: int,
    member: int,
    outcome: str,
    *,
    at: str,
    starts: date | None = None,
    reason: str = "",
    answer: str = "recorded",
) -> None:
    with server.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO umkm_visits (device_id, client_id, content_hash, member_id,"
                " visit_outcome, starts_on, reason, visited_at, outcome, problems, received_at)"
                " VALUES (:d, :c, 'h', :m, :v, :s, :r, :at, :o, '[]', :t)"
            ),
            {
                "d": device,
                "c": f"cid{next(_CID)}",
                "m": member,
                "v": outcome,
                "s": starts,
                "r": reason,
                "at": at,
                "o": answer,
                "t": utcnow(),
            },
        )


def _sessions(server: Server) -> list[sa.Row]:
    with server.engine.connect() as conn:
        return conn.execute(sa.text("SELECT * FROM education_sessions ORDER BY id")).all()


def _audit(server: Server, like: str = "education_%") -> list[tuple]:
    with server.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT username, action, target, details FROM audit_log"
                " WHERE action LIKE :a ORDER BY id"
            ),
            {"a": like},
        ).all()
    return [tuple(r) for r in rows]


def _plant_session(
    server: Server,
    held_on: date,
    village: str = SELONG_1,
    topic: str = "work_safety",
    uid: str = "",
) -> int:
    """A session straight into the table (a day the form would refuse, e.g. long past)."""
    with server.engine.begin() as conn:
        return conn.execute(
            sa.text(
                "INSERT INTO education_sessions (uid, topic, title, village_code, held_on, place,"
                " facilitator, segments, created_at, created_by) VALUES (:u, :topic, '', :v, :d,"
                " 'Balai desa', '', '', :t, 'koord') RETURNING id"
            ),
            {
                "u": uid or f"planted{held_on:%m%d}",
                "topic": topic,
                "v": village,
                "d": held_on,
                "t": utcnow(),
            },
        ).scalar_one()


def _plan(desk: Desk, **change: object) -> str:
    """Plan through the form; the new session's uid."""
    form = {
        "topic": "financial_literacy",
        "title": "",
        "village": SELONG_1,
        "day": _dmy(_today() + timedelta(days=7)),
        "place": "Balai Desa Pancor",
        "facilitator": "Baiq Nurul",
        **change,
    }
    r = desk.post("/desk/edukasi", form)  # type: ignore[arg-type]
    assert r.status_code == 303, r.text[:3000]
    match = re.fullmatch(r"/desk/edukasi/([A-Za-z0-9_-]{12})\?baru=1", r.headers["location"])
    assert match, r.headers["location"]
    return match.group(1)


def _id_of(server: Server, uid: str) -> int:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT id FROM education_sessions WHERE uid = :u"), {"u": uid}
        ).scalar_one()


def _cell(html: str, row_id: str) -> list[str]:
    """The cells' text of the table row with id `row_id`."""
    match = re.search(rf'<tr id="{re.escape(row_id)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row {row_id}"
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", match.group(1), re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells]


# --- planning ----------------------------------------------------------------------


def test_a_coordinator_plans_a_session_and_it_is_listed_and_audited(server: Server) -> None:
    desk = Desk(server)
    assert 'href="/desk/edukasi"' in desk.get("/desk/").text  # in the menu
    day = _today() + timedelta(days=7)
    uid = _plan(
        desk,
        topic="other",
        title="Menabung untuk hari tua",
        day=_dmy(day),
        segments=["umkm_owner", "tobacco_farmer"],
    )
    (row,) = _sessions(server)
    assert row.uid == uid and len(uid) == 12
    assert (row.topic, row.title, row.village_code, row.place, row.facilitator) == (
        "other",
        "Menabung untuk hari tua",
        SELONG_1,
        "Balai Desa Pancor",
        "Baiq Nurul",
    )
    assert row.held_on in (day, day.isoformat())
    assert row.segments == "tobacco_farmer,umkm_owner"  # the schema's order
    assert row.created_by == "koord" and row.cancelled_at is None

    page = desk.get(f"/desk/edukasi/{uid}?baru=1").text
    assert 'id="edu-notice"' in page and "Sesi direncanakan" in page and "Session planned" in page
    assert "Menabung untuk hari tua" in page and _dmy(day) in page
    assert "Petani tembakau, Pelaku UMKM" in page
    listed = desk.get("/desk/edukasi").text  # upcoming by default
    assert _cell(listed, f"s-{uid}")[0].startswith(_dmy(day))
    assert "Menabung untuk hari tua" in _cell(listed, f"s-{uid}")[1]
    assert uid not in desk.get("/desk/edukasi?waktu=past").text
    assert uid in desk.get("/desk/edukasi?waktu=all").text
    assert uid in desk.get("/desk/edukasi?area=52.03.07").text
    assert uid not in desk.get(f"/desk/edukasi?area={OTHER_KEC}").text
    assert uid not in desk.get("/desk/edukasi?topik=work_skills").text

    # Everyone, when no segment is ticked; an administrator may plan too.
    admin = Desk(server, "admin", "administrator")
    uid2 = _plan(admin, topic="bpjs_benefits", day=_dmy(_today()))
    assert _sessions(server)[1].segments == "" and _sessions(server)[1].created_by == "admin"
    assert "Semua" in admin.get(f"/desk/edukasi/{uid2}").text
    assert (
        "Manfaat dan klaim BPJS Ketenagakerjaan"
        in _cell(admin.get("/desk/edukasi").text, f"s-{uid2}")[1]
    )
    # A listed topic with a title shows both.
    uid3 = _plan(admin, topic="work_skills", title="Menjahit")
    assert "Keterampilan kerja: Menjahit" in _cell(admin.get("/desk/edukasi").text, f"s-{uid3}")[1]
    plans = _audit(server)
    assert [(u, a, t) for u, a, t, _ in plans] == [
        ("koord", "education_plan", f"edukasi:{uid}"),
        ("admin", "education_plan", f"edukasi:{uid2}"),
        ("admin", "education_plan", f"edukasi:{uid3}"),
    ]
    assert "Menabung untuk hari tua" in str(plans[0][3]) and _dmy(day) in str(plans[0][3])
    audit_page = desk.get("/desk/audit").text
    assert "Sesi edukasi direncanakan" in audit_page and "Education session planned" in audit_page


BAD_PLANS = [
    # (form changes, a piece of the Indonesian reason, of the English)
    ({"topic": ""}, "Pilih topik", "Choose a topic"),
    ({"topic": "cooking"}, "Pilih topik", "Choose a topic"),
    ({"topic": "other", "title": "  "}, "Topik lain perlu judul", "needs a title"),
    ({"village": ""}, "Pilih desa", "Choose a village"),
    ({"village": "52.03.07"}, "Pilih desa", "Choose a village"),  # a kecamatan
    ({"village": "52.01.01.2001"}, "Pilih desa", "Choose a village"),  # outside Lombok Timur
    ({"day": ""}, "Isi tanggal sesi", "Enter the session's date"),
    ({"day": "31-02-2027"}, "Tanggal tidak valid", "Not a date"),
    ({"day": "besok"}, "Tanggal tidak valid", "Not a date"),
    ({"day": "<script>"}, "Tanggal tidak valid", "Not a date"),
    ({"day": "past"}, "lebih dari 14 hari yang lalu", "more than 14 days ago"),
    ({"day": "far"}, "lebih dari setahun lagi", "more than a year ahead"),
    ({"place": ""}, "Isi tempat sesi", "Enter the session's place"),
    ({"place": "x" * 121}, "Tempat terlalu panjang", "Place is too long"),
    ({"facilitator": "y" * 101}, "Fasilitator terlalu panjang", "Facilitator is too long"),
    ({"title": "z" * 121}, "terlalu panjang", "is too long"),
    ({"place": "Balai\u202edesa"}, "karakter yang tidak diizinkan", "not allowed"),
    (
        {"segments": ["tobacco_farmer", "astronaut"]},
        "Segmen tidak dikenal: astronaut",
        "Unknown segment",
    ),
]


def test_a_bad_plan_is_refused_with_its_reason_and_stores_nothing(server: Server) -> None:
    desk = Desk(server)
    good = {
        "topic": "work_skills",
        "title": "",
        "village": SELONG_1,
        "day": _dmy(_today() + timedelta(days=3)),
        "place": "Balai desa",
        "facilitator": "",
    }
    days = {
        "past": _dmy(_today() - timedelta(days=15)),
        "far": _dmy(_today() + timedelta(days=400)),
    }
    for change, indonesian, english in BAD_PLANS:
        form = {**good, **change}
        form["day"] = days.get(str(form["day"]), form["day"])
        r = desk.post("/desk/edukasi", form)  # type: ignore[arg-type]
        assert r.status_code == 400, (change, r.text[:800])
        error = re.search(r'id="edu-error">(.*?)</div>', r.text, re.S)
        assert error, change
        reason = html.unescape(error.group(1))
        assert indonesian in reason and english in reason, (change, reason)
        assert 'id="plan-form"' in r.text  # the form again, with what was typed
    # Fourteen days ago is still accepted (a tablet pulls that far back).
    assert _sessions(server) == [] and _audit(server) == []
    _plan(desk, day=_dmy(_today() - timedelta(days=14)))
    # Without the CSRF token: refused before anything (403).
    r = desk.client.post("/desk/edukasi", data=good)
    assert r.status_code == 403
    assert len(_sessions(server)) == 1


def test_every_refusal_code_has_its_text() -> None:
    """Every `EducationError("<code>")` the service raises is an `edk_<code>` entry."""
    tree = ast.parse((ROOT / "sync_server" / "services" / "education_desk.py").read_text())
    codes = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and getattr(node.func, "id", "") == "EducationError"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    assert len(codes) >= 10, codes
    assert not [c for c in codes if f"edk_{c}" not in MESSAGES]


def test_a_session_is_cancelled_once_confirmed_unless_attended(server: Server) -> None:
    desk = Desk(server)
    uid = _plan(desk)
    page = desk.get(f"/desk/edukasi/{uid}").text
    assert 'id="cancel-form"' in page and 'name="confirm"' in page
    r = desk.post(f"/desk/edukasi/{uid}/batal")  # not confirmed
    assert r.status_code == 400 and "Centang konfirmasi" in r.text
    assert _sessions(server)[0].cancelled_at is None
    r = desk.post(f"/desk/edukasi/{uid}/batal", {"confirm": "yes"})
    assert r.status_code == 303 and r.headers["location"] == f"/desk/edukasi/{uid}"
    assert _sessions(server)[0].cancelled_at is not None
    page = desk.get(f"/desk/edukasi/{uid}").text
    assert 'id="cancelled"' in page and 'id="cancel-form"' not in page
    assert "dibatalkan" in _cell(desk.get("/desk/edukasi").text, f"s-{uid}")[0]
    r = desk.post(f"/desk/edukasi/{uid}/batal", {"confirm": "yes"})
    assert r.status_code == 400 and "sudah dibatalkan" in r.text

    # Attended: it took place, it stays.
    held = _plan(desk, day=_dmy(_today()))
    device, member = _device(server), _member(server, 1)
    _attend(server, device, _id_of(server, held), member=member)
    r = desk.post(f"/desk/edukasi/{held}/batal", {"confirm": "yes"})
    assert r.status_code == 400 and "tidak dapat dibatalkan" in r.text and "(1)" in r.text
    assert _sessions(server)[1].cancelled_at is None
    assert desk.post("/desk/edukasi/tidakadasesi/batal", {"confirm": "yes"}).status_code == 404
    assert desk.get("/desk/edukasi/tidakadasesi").status_code == 404

    actions = [(a, t) for _, a, t, _ in _audit(server)]
    assert actions == [
        ("education_plan", f"edukasi:{uid}"),
        ("education_cancel", f"edukasi:{uid}"),
        ("education_plan", f"edukasi:{held}"),
    ]
    audit_page = desk.get("/desk/audit").text
    assert "Sesi edukasi dibatalkan" in audit_page and "Education session cancelled" in audit_page


# --- attendance: list, detail, figures ---------------------------------------------


def _attended_world(server: Server, desk: Desk) -> dict[str, object]:
    """Two sessions in Selong, one in another kecamatan, one cancelled; members of three
    segments; attendance by card, NIK and name, and rows that must not count."""
    today = _today()
    a = _plan(desk, topic="financial_literacy", day=_dmy(today))
    b = _plan(desk, topic="work_safety", village=SELONG_2, day=_dmy(today - timedelta(days=3)))
    c = _plan(
        desk,
        topic="financial_literacy",
        village="52.03.01.2001",
        day=_dmy(today + timedelta(days=2)),
    )
    gone = _plan(desk, topic="work_skills", day=_dmy(today + timedelta(days=5)))
    assert desk.post(f"/desk/edukasi/{gone}/batal", {"confirm": "yes"}).status_code == 303
    ids = {k: _id_of(server, v) for k, v in {"a": a, "b": b, "c": c, "gone": gone}.items()}
    t1, t2 = _device(server, "tablet-1"), _device(server, "tablet-2")
    farmers = [_member(server, i, name=f"Petani {i}") for i in range(1, 5)]
    owners = [_member(server, 10 + i, segment="umkm_owner", name=f"Usaha {i}") for i in range(2)]
    far = _member(
        server, 20, segment="village_official", village="52.03.01.2001", name="Kades Jauh"
    )
    never = _member(server, 30, segment="poor_household", village=SELONG_2, name="Belum Pernah")
    # Session a: three farmers and an owner; a non-member by NIK from two tablets (once);
    # a guest by name; a rejected and an already-counted row (not counted).
    for m in (*farmers[:3], owners[0]):
        _attend(server, t1, ids["a"], member=m)
    _attend(server, t1, ids["a"], nik="5203075501900001", name="Inaq Sari")
    _attend(server, t2, ids["a"], nik="5203075501900001", name="Inaq Sari")
    _attend(server, t2, ids["a"], name='=HYPERLINK("http://x")')
    _attend(server, t2, ids["a"], name="Ditolak", outcome="rejected")
    _attend(server, t2, ids["a"], outcome="already_counted")
    # Session b: a farmer again (two sessions, one member reached) and the second owner.
    _attend(server, t1, ids["b"], member=farmers[0])
    _attend(server, t1, ids["b"], member=owners[1])
    # Session c (another kecamatan): the village official, and a guest.
    _attend(server, t2, ids["c"], member=far)
    _attend(server, t2, ids["c"], name="Amaq Tamu")
    return {
        "uids": {"a": a, "b": b, "c": c, "gone": gone},
        "farmers": farmers,
        "owners": owners,
        "far": far,
        "never": never,
    }


def test_the_list_and_the_detail_count_what_was_recorded(server: Server) -> None:
    desk = Desk(server)
    world = _attended_world(server, desk)
    uids = world["uids"]
    assert isinstance(uids, dict)
    page = desk.get("/desk/edukasi?waktu=all").text
    # Session a: 4 members + 2 non-members (Inaq Sari once, the guest); nothing else.
    assert _cell(page, f"s-{uids['a']}")[2] == "6 4 peserta + 2 bukan peserta"
    assert _cell(page, f"s-{uids['b']}")[2] == "2 2 peserta + 0 bukan peserta"
    assert _cell(page, f"s-{uids['c']}")[2] == "2 1 peserta + 1 bukan peserta"
    assert _cell(page, f"s-{uids['gone']}")[2] == "0 0 peserta + 0 bukan peserta"
    past = desk.get("/desk/edukasi?waktu=past").text
    assert uids["b"] in past and uids["a"] not in past  # today's is upcoming
    selong = desk.get("/desk/edukasi?waktu=all&area=52.03.07").text
    assert uids["a"] in selong and uids["b"] in selong and uids["c"] not in selong
    one_village = desk.get(f"/desk/edukasi?waktu=all&area={SELONG_2}").text
    assert uids["b"] in one_village and uids["a"] not in one_village
    literacy = desk.get("/desk/edukasi?waktu=all&topik=financial_literacy").text
    assert uids["a"] in literacy and uids["c"] in literacy and uids["b"] not in literacy

    detail = desk.get(f"/desk/edukasi/{uids['a']}").text
    farmers = world["farmers"]
    assert isinstance(farmers, list)
    assert f"LT{farmers[0]:07d}" in detail and "Petani 1" in detail
    assert "5203********0001" in detail and "5203071708850001" not in detail  # masked NIK
    assert "Petani tembakau" in detail and "Pelaku UMKM" in detail
    guests = re.findall(r'<tr class="guest">(.*?)</tr>', detail, re.S)
    assert len(guests) == 2, guests
    assert all("bukan peserta — tawarkan pendaftaran" in g for g in guests)
    assert any("Inaq Sari" in g and "5203********0001" in g for g in guests)
    assert "5203075501900001" not in detail
    assert "Ditolak" not in detail
    assert len(re.findall(r'<tr class="member">', detail)) == 4
    assert _cell(detail, "seg-tobacco_farmer") == ["Petani tembakau", "3"]
    assert _cell(detail, "seg-umkm_owner") == ["Pelaku UMKM", "1"]
    assert _cell(detail, "seg-poor_household") == ["Masyarakat miskin", "0"]
    assert _cell(detail, "seg-non-members")[1] == "2"
    assert re.search(r'id="session-total">6<', detail)
    assert 'id="no-attendees"' in desk.get(f"/desk/edukasi/{uids['gone']}").text


def test_a_non_member_who_enrols_later_is_shown_as_a_member_now(server: Server) -> None:
    desk = Desk(server)
    uid = _plan(desk, day=_dmy(_today()))
    device = _device(server)
    _attend(server, device, _id_of(server, uid), nik=_nik(77), name="Baiq Baru")
    detail = desk.get(f"/desk/edukasi/{uid}").text
    assert "tawarkan pendaftaran" in detail
    member = _member(server, 77, name="Baiq Baru")
    detail = desk.get(f"/desk/edukasi/{uid}").text
    assert f"kini peserta LT{member:07d}" in detail and "tawarkan pendaftaran" not in detail


def test_the_figures_by_segment_topic_and_kecamatan_and_the_reach(server: Server) -> None:
    desk = Desk(server)
    world = _attended_world(server, desk)
    page = desk.get("/desk/edukasi").text
    # Members: 4 farmers, 2 owners, 1 official, 1 poor = 8; reached: 3 farmers (one twice),
    # 2 owners, the official = 6.
    assert re.search(r'id="kpi-reach"><div class="v">75,0 %</div>', page), page[:200]
    assert "6 / 8" in re.search(r'id="kpi-reach">(.*?)</div></div>', page, re.S).group(1)  # type: ignore[union-attr]
    assert re.search(r'id="kpi-sessions"><div class="v">3<', page)  # the cancelled one not
    assert re.search(r'id="kpi-never"><div class="v">2<', page)
    # By segment: attendances, members reached, % of the segment's members.
    assert _cell(page, "seg-tobacco_farmer") == ["Petani tembakau", "4", "3", "75,0 %"]
    assert _cell(page, "seg-umkm_owner") == ["Pelaku UMKM", "2", "2", "100,0 %"]
    assert _cell(page, "seg-village_official") == ["Perangkat desa", "1", "1", "100,0 %"]
    assert _cell(page, "seg-poor_household") == ["Masyarakat miskin", "0", "0", "0,0 %"]
    assert _cell(page, "seg-migrant_worker") == ["Pekerja migran", "0", "0", "–"]
    assert _cell(page, "seg-non-members")[1] == "3"
    # By topic: sessions (not cancelled), member attendances, non-members.
    assert _cell(page, "topic-financial_literacy")[1:] == ["2", "5", "3"]
    assert _cell(page, "topic-work_safety")[1:] == ["1", "2", "0"]
    assert _cell(page, "topic-work_skills")[1:] == ["0", "0", "0"]
    # By kecamatan: sessions and attendance where held; reach where members live.
    selong = _cell(page, "kec-52.03.07")
    assert selong == ["Selong", "2", "8", "5 / 7", "71,4 %"], selong
    other = _cell(page, f"kec-{OTHER_KEC}")
    assert other[1:] == ["1", "2", "1 / 1", "100,0 %"], other
    # Never reached: a farmer and the poor household member, both in Selong.
    assert _cell(page, "never-52.03.07") == ["Selong", "2"]
    assert _cell(page, f"never-{OTHER_KEC}")[1] == "0"
    listed = re.search(r'id="never-list"(.*?)</table>', page, re.S)
    assert listed
    assert "Belum Pernah" in listed.group(1) and "Petani 4" in listed.group(1)
    assert "Petani 1" not in listed.group(1) and "Kades Jauh" not in listed.group(1)
    never = world["never"]
    assert f"LT{never:07d}" in listed.group(1)


def test_the_never_reached_list_is_paged(server: Server) -> None:
    desk = Desk(server)
    for i in range(1, 56):
        _member(server, i, name=f"Warga {i:03d}")
    page = desk.get("/desk/edukasi").text
    first = re.search(r'id="never-list"(.*?)</table>', page, re.S).group(1)  # type: ignore[union-attr]
    assert first.count("<tr>") == 51  # the header and 50 members
    assert "Warga 001" in first and "Warga 051" not in first
    assert "Halaman 1 dari 2" in page and 'id="never-next"' in page
    second = desk.get("/desk/edukasi?halaman=2").text
    rows = re.search(r'id="never-list"(.*?)</table>', second, re.S).group(1)  # type: ignore[union-attr]
    assert "Warga 051" in rows and "Warga 055" in rows and "Warga 001" not in rows
    assert desk.get("/desk/edukasi?halaman=99").status_code == 200
    assert desk.get("/desk/edukasi?halaman=-3&area=nowhere&topik=x&waktu=y").status_code == 200
    assert desk.get("/desk/edukasi?halaman=abc").status_code == 200


# --- files -------------------------------------------------------------------------


def _csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def _xlsx_rows(body: bytes) -> list[list[object]]:
    sheet = load_workbook(io.BytesIO(body)).worksheets[0]
    return [list(r) for r in sheet.iter_rows(values_only=True)]


def test_attendance_and_never_reached_download_as_csv_and_xlsx(server: Server) -> None:
    desk = Desk(server)
    world = _attended_world(server, desk)
    page = desk.get("/desk/edukasi").text
    assert (
        'href="/desk/edukasi/kehadiran.xlsx' in page and 'href="/desk/edukasi/kehadiran.csv' in page
    )
    r = desk.get("/desk/edukasi/kehadiran.csv")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert "attachment" in r.headers["content-disposition"]
    rows = _csv_rows(r.content)
    header, body = rows[0], rows[1:]
    assert header[0].startswith("Tanggal") and "NIK" in header
    assert len(body) == 4 + 2 + 1 + 2 + 1 + 1  # recorded rows; Inaq Sari from each tablet
    today = _dmy(_today())
    farmers = world["farmers"]
    assert isinstance(farmers, list)
    mine = [b for b in body if b[6] == f"LT{farmers[0]:07d}"]
    assert len(mine) == 2  # sessions a and b
    assert any(
        b[0] == today
        and b[1] == "Literasi keuangan"
        and b[2] == "Kelurahan Pancor"
        or b[0] == today
        for b in mine
    )
    assert all(b[8] == "5203********0001" for b in mine) and mine[0][9] == "Petani tembakau"
    guest = next(b for b in body if "HYPERLINK" in b[7])
    assert guest[7].startswith("'=")  # never a formula
    assert "tawarkan pendaftaran" in guest[5]
    assert not any("5203075501900001" in c for b in body for c in b)  # masked
    assert not any("Ditolak" in c for b in body for c in b)
    # XLSX: the same rows, dates as dates.
    x = desk.get("/desk/edukasi/kehadiran.xlsx?area=52.03.07")
    assert x.status_code == 200 and "spreadsheetml" in x.headers["content-type"]
    xrows = _xlsx_rows(x.content)
    assert len(xrows) == 1 + 4 + 2 + 1 + 2  # Selong's sessions only
    assert isinstance(xrows[1][0], datetime) and xrows[1][0].date() <= _today()
    assert any(str(r[7]).startswith("'=") for r in xrows[1:])
    assert not any(c == "5203075501900001" for r in xrows for c in r)

    uids = world["uids"]
    assert isinstance(uids, dict)
    assert (
        f'href="/desk/edukasi/kehadiran.csv?sesi={uids["b"]}"'
        in desk.get(f"/desk/edukasi/{uids['b']}").text
    )
    one = _csv_rows(desk.get(f"/desk/edukasi/kehadiran.csv?sesi={uids['b']}").content)
    assert sorted(r[7] for r in one[1:]) == ["Petani 1", "Usaha 1"]
    never = _csv_rows(desk.get("/desk/edukasi/belum-terjangkau.csv").content)
    assert [r[1] for r in never[1:]] == ["Petani 4", "Belum Pernah"]
    assert never[1][2] == "5203********0004"
    xnever = _xlsx_rows(desk.get("/desk/edukasi/belum-terjangkau.xlsx?area=52.03.07.1002").content)
    assert [r[1] for r in xnever[1:]] == ["Belum Pernah"]
    assert desk.get("/desk/edukasi/kehadiran.pdf").status_code == 404
    exports = [(a, t) for _, a, t, _ in _audit(server, "export_%")]
    assert exports == [
        ("export_attendance", "csv"),
        ("export_attendance", "xlsx"),
        ("export_attendance", "csv"),
        ("export_never_reached", "csv"),
        ("export_never_reached", "xlsx"),
    ]


# --- coverage, progress report, money ----------------------------------------------


def test_the_coverage_page_shows_education_reach_beside_membership(server: Server) -> None:
    desk = Desk(server)
    _attended_world(server, desk)
    page = desk.get("/desk/").text
    kpi = re.search(r'id="kpi-education">(.*?)</div></div>', page, re.S)
    assert kpi and "75,0 %" in kpi.group(1) and "6" in kpi.group(1), page[:3000]
    assert _cell(page, "reach-52.03.07")[1:4] == ["7", "5", "71,4 %"]
    assert _cell(page, f"reach-{OTHER_KEC}")[1:4] == ["1", "1", "100,0 %"]


def _pdf_lines(body: bytes) -> list[str]:
    doc = pdfium.PdfDocument(body)
    try:
        assert len(doc) == 2  # the report stays two pages
        out = []
        for i in range(len(doc)):
            tp = doc[i].get_textpage()
            out += [" ".join(line.split()) for line in tp.get_text_range().splitlines()]
            tp.close()
        return out
    finally:
        doc.close()


def test_the_progress_report_prints_the_reach(server: Server) -> None:
    desk = Desk(server)
    _member(server, 99)
    none = _pdf_lines(desk.get("/desk/report.pdf").content)
    assert "Belum ada sesi bimbingan dan edukasi yang tercatat." in none
    assert "belum dicatat" in " ".join(none)  # no UMKM owner with cash: no outcomes yet
    _attended_world(server, desk)
    lines = _pdf_lines(desk.get("/desk/report.pdf").content)
    # 9 members (the one above too); the sessions held by the end of today: a and b (c is
    # in two days, so the official it counted is not reached yet): 5 members reached.
    reach = [line for line in lines if "terjangkau" in line or "edukasi" in line.lower()]
    assert "2 sesi; 5 peserta terjangkau (55,6 % dari peserta)." in reach, reach
    before = _today() - timedelta(days=4)  # before session b (3 days ago)
    then = _pdf_lines(desk.get(f"/desk/report.pdf?tanggal={_dmy(before)}").content)
    assert "Belum ada sesi bimbingan dan edukasi yang tercatat." in then


def test_a_umkm_visit_outcome_reaches_the_money_page(server: Server) -> None:
    desk = Desk(server)
    today = _today()
    t = _device(server)
    owners = {
        "soon": _member(
            server,
            1,
            segment="umkm_owner",
            name="Usaha Segera",
            cash=2_000_000,
            due=today + timedelta(days=10),
        ),
        "late": _member(
            server,
            2,
            segment="umkm_owner",
            name="Usaha Telat",
            cash=2_000_000,
            due=today - timedelta(days=5),
        ),
        "won": _member(
            server,
            3,
            segment="umkm_owner",
            name="Usaha Beralih",
            cash=1_500_000,
            due=today + timedelta(days=20),
        ),
        "no1": _member(
            server,
            4,
            segment="umkm_owner",
            name="Usaha Tolak",
            cash=1_000_000,
            due=today - timedelta(days=1),
        ),
        "no2": _member(
            server,
            5,
            segment="umkm_owner",
            name="Usaha Tolak Dua",
            cash=1_000_000,
            due=today + timedelta(days=60),
        ),
        "gone": _member(
            server,
            6,
            segment="umkm_owner",
            name="Usaha Pindah",
            cash=1_000_000,
            due=today - timedelta(days=9),
        ),
        "lost": _member(
            server,
            7,
            segment="umkm_owner",
            name="Usaha Hilang",
            cash=1_000_000,
            due=today + timedelta(days=200),
        ),
    }
    _member(server, 8, segment="umkm_owner", name="Tanpa Modal")  # no start-up cash: not counted
    starts = today + timedelta(days=25)
    # "won": declined first, converted later; the latest visit counts.
    _visit(server, t, owners["won"], "declined", at="2027-01-01T01:00:00Z", reason="belum siap")
    _visit(server, t, owners["won"], "converted", at="2027-01-20T01:00:00Z", starts=starts)
    _visit(server, t, owners["no1"], "declined", at="2027-01-05T01:00:00Z", reason="Usaha tutup ")
    _visit(server, t, owners["no2"], "declined", at="2027-01-06T01:00:00Z", reason="usaha tutup")
    _visit(server, t, owners["gone"], "moved", at="2027-01-07T01:00:00Z")
    _visit(server, t, owners["lost"], "not_found", at="2027-01-08T01:00:00Z")
    _visit(
        server,
        t,
        owners["soon"],
        "converted",
        at="2027-01-09T01:00:00Z",
        starts=starts,
        answer="rejected",
    )
    page = desk.get("/desk/money").text
    section = re.search(r'id="followup">(.*?)</section>', page, re.S)
    assert section, page[-3000:]
    body = section.group(1)
    assert re.search(r'id="fu-owners"><div class="v">7<', body)
    # Open and due within 30 days: "soon" (its converted visit was rejected); "won" converted.
    assert re.search(r'id="fu-due"><div class="v">1<', body)
    # Open and overdue: "late" (not visited) and "no1" (declined); "gone" moved away.
    assert re.search(r'id="fu-overdue"><div class="v"[^>]*>2<', body)
    assert _cell(body, "fu-converted")[1] == "1"
    assert _cell(body, "fu-declined")[1] == "2"
    assert _cell(body, "fu-moved")[1] == "1"
    assert _cell(body, "fu-not_found")[1] == "1"
    assert _cell(body, "fu-not-visited")[1] == "2"
    assert _cell(body, "fu-reason-1") == ["usaha tutup", "2"]
    won = _cell(body, f"fu-LT{owners['won']:07d}")
    assert (
        "Usaha Beralih" in won[0]
        and "Beralih ke peserta berbayar" in won[2]
        and _dmy(starts) in won[2]
    )
    no1 = _cell(body, f"fu-LT{owners['no1']:07d}")
    assert "Menolak" in no1[2] and "Usaha tutup" in no1[2]
    late = _cell(body, f"fu-LT{owners['late']:07d}")
    assert "Belum dikunjungi" in late[2] and _dmy(today - timedelta(days=5)) in late[1]
    assert "Tanpa Modal" not in body
    # The progress report says the same under its conversions.
    report = " ".join(_pdf_lines(desk.get("/desk/report.pdf").content))
    assert (
        "1 beralih ke peserta berbayar, 2 menolak, 1 pindah, 1 tidak ditemukan, 2 belum dikunjungi."
    ) in report, report[-1500:]
    assert "belum dicatat sistem" not in report
