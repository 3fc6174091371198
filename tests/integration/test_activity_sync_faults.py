"""Attendance sync under a failing link: every attendance arrives exactly once, each
member is counted once per session, and nothing is lost when the server dies.

The tablet's real store and sync client against a live server (SQLite file) through
the fault-injecting proxy (tests/faults.py): cut before the request, after the commit,
mid-reply, a replayed reply, a request held and delivered late, the server killed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date

import pytest

from enrolment.activities import Attendance, Method
from enrolment.records import new_client_id
from field_app import activity_sync, sync_client
from field_app.store import Status, Store
from field_app.store_activities import ActivityStatus
from tests.conftest import person
from tests.faults import FaultProxy
from tests.integration.test_sync_faults import sync_until_done
from tests.live import ROOT, ServerProcess

MEMBERS, GUESTS = 120, 6
SELONG = "52.03.07"
VILLAGE = "52.03.07.1001"


@pytest.fixture
def server(tmp_path) -> Iterator[ServerProcess]:
    srv = ServerProcess(tmp_path / "server").start()
    yield srv
    srv.stop()


def server_db(server: ServerProcess) -> sqlite3.Connection:
    return sqlite3.connect(server.database_url.removeprefix("sqlite:///"), timeout=30)


def area_tablet(tmp_path, server: ServerProcess, url: str, name: str = "tablet") -> Store:
    """A tablet paired in Selong whose server address is `url` (the proxy)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "sync_server", "pair", "--name", "t", "--kecamatan", SELONG],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    code = out.stdout.strip().splitlines()[-1]
    store = Store(tmp_path / f"{name}.db")
    device_id, token = sync_client.pair(server.url, code, name, "Petugas")
    store.set_settings(server_url=url, device_id=device_id, device_token=token)
    return store


def plan_session(server: ServerProcess, uid: str = "sesi0000001") -> str:
    """A session in the tablet's area, today, as the desk stores it."""
    with server_db(server) as db:
        db.execute(
            "INSERT INTO education_sessions(uid, topic, title, village_code, held_on, place,"
            " facilitator, segments, created_at, created_by)"
            " VALUES(?, 'financial_literacy', '', ?, ?, 'Balai desa', 'Bu Ani', '', ?, 'koord')",
            (uid, VILLAGE, date.today().isoformat(), "2027-01-01 00:00:00"),
        )
    return uid


def counts(server: ServerProcess) -> tuple[int, int, int]:
    """(attendance rows, members counted, distinct members counted) on the server."""
    with server_db(server) as db:
        rows = db.execute("SELECT count(*) FROM attendances").fetchone()[0]
        counted = db.execute(
            "SELECT count(member_id), count(DISTINCT member_id) FROM attendances"
        ).fetchone()
    return rows, counted[0], counted[1]


def enrolled_tablet(tmp_path, server: ServerProcess, proxy: FaultProxy) -> tuple[Store, list]:
    """A tablet that enrolled MEMBERS people and pulled today's session."""
    store = area_tablet(tmp_path, server, proxy.url)
    people = [person(i, village=VILLAGE) for i in range(1, MEMBERS + 1)]
    store.save_enrolments(people)
    session = plan_session(server)
    sync_until_done(store)
    assert store.count_by_status() == {Status.SENT: MEMBERS}
    assert [s.id for s in store.sessions()] == [session]
    return store, people


def record_everyone(store: Store, people: list, session: str) -> None:
    """Each member by NIK (twice for the first ten: refused here), and some guests."""
    stamp = "2027-01-15T02:00:00Z"
    for p in people:
        assert store.record_attendance(
            Attendance(new_client_id(), session, Method.NIK, stamp, nik=p.nik)
        )
    for p in people[:10]:
        again = Attendance(new_client_id(), session, Method.NIK, stamp, nik=p.nik)
        assert not store.record_attendance(again)
    for i in range(GUESTS):
        guest = Attendance(new_client_id(), session, Method.GUEST, stamp, name=f"Tamu {i}")
        assert store.record_attendance(guest)


@pytest.mark.parametrize(
    "faults",
    [
        ["cut_before"],
        ["cut_after"],
        ["cut_mid_reply"],
        ["replay"],
        ["ok", "cut_after", "cut_mid_reply", "cut_before", "cut_after"],
    ],
    ids=["before-request", "after-commit", "mid-reply", "replayed-reply", "mixed"],
)
def test_every_attendance_arrives_exactly_once(tmp_path, server, faults, monkeypatch):
    monkeypatch.setattr(activity_sync, "MAX_ACTIVITIES", 50)  # three batches
    proxy = FaultProxy(server.port)
    try:
        store, people = enrolled_tablet(tmp_path, server, proxy)
        record_everyone(store, people, "sesi0000001")
        proxy.inject(*faults)
        errors = sync_until_done(store)
        assert errors and set(errors) <= {"unreachable", "bad_reply"}, errors
        assert store.activity_counts() == {ActivityStatus.SENT: MEMBERS + GUESTS}
        assert counts(server) == (MEMBERS + GUESTS, MEMBERS, MEMBERS)
        counted = {a.member_no for a in store.attendance_for("sesi0000001") if a.member_no}
        assert len(counted) == MEMBERS  # each NIK answered with its member's number
    finally:
        proxy.close()


def test_a_late_request_and_a_second_tablet_count_a_member_once(tmp_path, server):
    proxy = FaultProxy(server.port)
    try:
        store, people = enrolled_tablet(tmp_path, server, proxy)
        record_everyone(store, people, "sesi0000001")
        proxy.inject("hold")  # the first push reaches the server only later
        with pytest.raises(sync_client.SyncError):
            sync_client.sync(store)
        sync_until_done(store)  # resent and recorded meanwhile
        proxy.release()  # the stalled copy arrives late: answered from what is stored
        # A colleague's tablet at the same session records the first member again.
        other = area_tablet(tmp_path, server, server.url, "other")
        sync_client.sync(other)  # pulls the session
        other.record_attendance(
            Attendance(new_client_id(), "sesi0000001", Method.NIK, "t", nik=people[0].nik)
        )
        sync_client.sync(other)
        assert other.activity_counts() == {ActivityStatus.SENT: 1}  # already counted
        assert counts(server) == (MEMBERS + GUESTS + 1, MEMBERS, MEMBERS)
    finally:
        proxy.close()


def test_nothing_recorded_is_lost_when_the_server_is_killed(tmp_path, server):
    store, people = enrolled_tablet(tmp_path, server, FaultProxy(server.port))
    store.set_settings(server_url=server.url)
    record_everyone(store, people, "sesi0000001")
    server.kill()
    with pytest.raises(sync_client.SyncError):
        sync_client.sync(store)
    assert store.activity_counts() == {ActivityStatus.PENDING: MEMBERS + GUESTS}
    server.start()
    sync_until_done(store)
    assert store.activity_counts() == {ActivityStatus.SENT: MEMBERS + GUESTS}
    assert counts(server) == (MEMBERS + GUESTS, MEMBERS, MEMBERS)


def test_a_restored_server_gets_the_attendance_it_lost(tmp_path, server):
    """The delivered activities go again at reconciliation: what the server kept is
    answered duplicate, what it lost is recorded anew."""
    store, people = enrolled_tablet(tmp_path, server, FaultProxy(server.port))
    store.set_settings(server_url=server.url)
    record_everyone(store, people, "sesi0000001")
    sync_until_done(store)
    with server_db(server) as db:  # lose the last half, as a restore from a backup would
        db.execute("DELETE FROM attendances WHERE id > ?", ((MEMBERS + GUESTS) // 2,))
    store.set_settings(**{sync_client.RECONCILE_DUE: "1"})
    sync_until_done(store)
    assert counts(server) == (MEMBERS + GUESTS, MEMBERS, MEMBERS)
