"""Issue 14's field work end to end, with no shortcut between desk, server and tablet:
a session planned on the desk reaches the tablet of its area at a pull, the attendance
recorded there comes back to the desk's figures, and an UMKM follow-up visit recorded
on the tablet reaches the money page and leaves the next pull's due list."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from enrolment.activities import Attendance, Method, UmkmVisit, VisitOutcome
from enrolment.records import new_client_id
from field_app import sync_client
from field_app.store import Status, Store
from field_app.store_activities import ActivityStatus
from sync_server.desk_format import to_wita
from sync_server.models import utcnow
from tests.conftest import person
from tests.integration.activity_helpers import clear_activities, make_umkm
from tests.integration.area_helpers import SELONG, pairing_code
from tests.integration.desk import Desk

VILLAGE = "52.03.07.1001"


@pytest.fixture
def desk(server):
    clear_activities(server)
    d = Desk(server)
    yield d
    d.close()


def area_tablet(tmp_path, server) -> Store:
    """A tablet paired in Selong (the desk's area for it)."""
    store = Store(tmp_path / "tablet.db")
    code = pairing_code(server, "tablet-selong", SELONG)
    device_id, token = sync_client.pair(server.url, code, "tablet-selong", "Petugas")
    store.set_settings(server_url=server.url, device_id=device_id, device_token=token)
    return store


def plan(desk: Desk, day: date) -> str:
    """Plan a session through the desk's form; its uid (from where the desk redirects)."""
    r = desk.post(
        "/desk/edukasi",
        {
            "topic": "financial_literacy",
            "village": VILLAGE,
            "day": day.strftime("%d-%m-%Y"),
            "place": "Balai Desa Pancor",
            "facilitator": "Ibu Rahmi",
            "segments": "umkm_owner",
        },
    )
    assert r.status_code == 303, r.text
    return r.headers["location"].split("/desk/edukasi/")[1].split("?")[0]


def test_a_planned_session_reaches_the_tablet_and_its_attendance_the_desk(tmp_path, server, desk):
    today = to_wita(utcnow()).date()
    uid = plan(desk, today)
    store = area_tablet(tmp_path, server)
    people = [person(i, village=VILLAGE, segment="umkm_owner") for i in (1, 2)]
    store.save_enrolments(people)
    sync_client.sync(store)
    assert store.count_by_status() == {Status.SENT: 2}
    [session] = store.sessions()
    assert (session.id, session.held_on, session.place) == (uid, today, "Balai Desa Pancor")
    assert session.segments == ("umkm_owner",)
    for p in people:
        store.record_attendance(Attendance(new_client_id(), uid, Method.NIK, "t", nik=p.nik))
    guest = Attendance(new_client_id(), uid, Method.GUEST, "t", name="Inaq Sumiati")
    store.record_attendance(guest)
    report = sync_client.sync(store)
    assert (report.activities_sent, report.activities_set_aside) == (3, 0)
    assert store.activity_counts() == {ActivityStatus.SENT: 3}
    page = desk.get(f"/desk/edukasi/{uid}")
    assert page.status_code == 200
    for p in people:
        assert p.full_name in page.text
    assert "Inaq Sumiati" in page.text


def test_an_umkm_visit_reaches_the_money_page_and_leaves_the_due_list(tmp_path, server, desk):
    store = area_tablet(tmp_path, server)
    owner = person(7, village=VILLAGE, segment="umkm_owner")
    store.save_enrolment(owner)
    sync_client.sync(store)
    member_no = store.get(owner.client_id).member_no
    due = to_wita(utcnow()).date() - timedelta(days=3)  # overdue
    make_umkm(server, member_no, due)
    sync_client.sync(store)
    assert [d.member_no for d in store.umkm_due()] == [member_no]
    starts = due + timedelta(days=10)
    visit = UmkmVisit(new_client_id(), member_no, VisitOutcome.CONVERTED, "t", starts=starts)
    store.record_visit(visit, label=owner.full_name)
    sync_client.sync(store)
    assert store.latest_visits()[member_no].status == ActivityStatus.SENT
    assert store.umkm_due() == []  # converted: no longer due a visit
    money = desk.get("/desk/money")
    assert money.status_code == 200
    row = re.search(rf'<tr id="fu-{member_no}">(.*?)</tr>', money.text, re.S)
    assert row, money.text[-3000:]
    assert "Beralih ke peserta berbayar" in row.group(1)
    assert starts.strftime("%d-%m-%Y") in row.group(1)
    converted = re.search(r'<tr id="fu-converted">.*?<td class="n">(\d+)</td>', money.text, re.S)
    assert converted and converted.group(1) == "1"
    # A later visit finds the owner declining after all: the latest visit decides, on the
    # money page and in the tablet's due list alike.
    later = UmkmVisit(new_client_id(), member_no, VisitOutcome.DECLINED, "u", reason="modal habis")
    store.record_visit(later, label=owner.full_name)
    sync_client.sync(store)
    assert [d.member_no for d in store.umkm_due()] == [member_no]
    money = desk.get("/desk/money")
    row = re.search(rf'<tr id="fu-{member_no}">(.*?)</tr>', money.text, re.S)
    assert row and "Menolak" in row.group(1) and "modal habis" in row.group(1)
