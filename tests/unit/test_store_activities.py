"""The tablet's attendance and UMKM visits (field_app/store_activities.py): once per
session, sealed at rest, an outbox whose refusals are set aside, and the pulled lists."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from enrolment.activities import (
    ActivityOutcome,
    ActivityResult,
    Attendance,
    Method,
    UmkmVisit,
    VisitOutcome,
)
from enrolment.records import new_client_id
from enrolment.worklist import EducationSession, Topic, UmkmDue
from field_app.store import Locked, Store
from field_app.store_activities import ActivityStatus
from field_app.vault import KdfParams

NIK = "5203074508900001"
NAME = "Baiq Nurul Hidayati"
SESSION = EducationSession(
    "s1",
    Topic.FINANCIAL_LITERACY,
    "",
    "52.03.07.2001",
    date(2027, 1, 15),
    "Balai desa",
    "Bu Ani",
    ("umkm_owner",),
)
DUE = UmkmDue("LT0000042", NAME, "52.03.07.2001", date(2027, 1, 10), "081234567890", 750_000)


def file_bytes(path: Path) -> bytes:
    """The database file and its WAL, as someone holding the tablet reads them."""
    wal = Path(f"{path}-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def seen(**kw) -> Attendance:
    kw.setdefault("method", Method.NIK)
    return Attendance(new_client_id(), kw.pop("session", "s1"), at="2027-01-15T02:00:00Z", **kw)


def test_a_person_is_recorded_once_per_session_here(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    assert store.record_attendance(seen(nik=NIK), label="5203********0001")
    assert not store.record_attendance(seen(nik=NIK))  # same NIK, same session
    assert store.record_attendance(seen(nik=NIK, session="s2"))  # another session
    card = seen(method=Method.CARD, card="tok")
    assert store.record_attendance(card, member_no="LT0000001", label="Siti")
    again = seen(method=Method.CARD, card="tok2")
    assert not store.record_attendance(again, member_no="LT0000001")
    assert store.record_attendance(seen(method=Method.GUEST, name="Tamu"))
    assert store.record_attendance(seen(method=Method.GUEST, name="Tamu"))  # no key: both
    listed = store.attendance_for("s1")
    assert [a.label for a in listed][-2:] == ["Siti", "5203********0001"]  # newest first
    assert len(listed) == 4 and all(a.status == ActivityStatus.PENDING for a in listed)
    assert store.activity_counts() == {ActivityStatus.PENDING: 5}


def test_answers_deliver_or_set_aside_and_nothing_refused_is_resent(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    a, b = seen(nik=NIK), seen(method=Method.GUEST, name="Tamu")
    visit = UmkmVisit(new_client_id(), "LT0000042", VisitOutcome.MOVED, "2027-01-15T03:00:00Z")
    store.record_attendance(a)
    store.record_attendance(b)
    store.record_visit(visit, label=NAME)
    assert [x.cid for x in store.pending_activities(10)] == [a.cid, b.cid, visit.cid]
    store.apply_activity_results(
        [
            ActivityResult(a.cid, ActivityOutcome.RECORDED, member_no="LT0000009"),
            ActivityResult(
                b.cid,
                ActivityOutcome.REJECTED,
                ({"field": "session", "code": "x", "id": "sesi", "en": "session"},),
            ),
        ]
    )
    assert [x.cid for x in store.pending_activities(10)] == [visit.cid]
    by_cid = {x.activity.cid: x for x in store.attendance_for("s1")}
    assert by_cid[a.cid].status == ActivityStatus.SENT and by_cid[a.cid].member_no == "LT0000009"
    assert by_cid[b.cid].status == ActivityStatus.REJECTED
    assert by_cid[b.cid].problems[0]["id"] == "sesi"
    assert store.latest_visits()["LT0000042"].activity == visit
    # A server that lost what it had (wiped, restored): the delivered go again, the
    # refused stay set aside.
    assert store.resend_activities() == 1
    assert {x.cid for x in store.pending_activities(10)} == {a.cid, visit.cid}


def test_the_pulled_lists_replace_what_is_held_and_none_keeps_it(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    later = EducationSession(
        "s0", Topic.OTHER, "Pemasaran daring", "52.03.07.2001", date(2027, 2, 1), "", "", ()
    )
    store.apply_worklist([later, SESSION], [DUE])
    assert store.sessions() == [SESSION, later] and store.session("s0") == later
    assert store.umkm_due() == [DUE] and store.umkm_due_count() == 1
    store.apply_worklist(None, None)  # an older server: keep
    assert store.umkm_due() == [DUE] and len(store.sessions()) == 2
    store.apply_worklist([], [])  # the area has none any more
    assert store.sessions() == [] and store.umkm_due() == []


@pytest.mark.own_keys
def test_nothing_personal_is_in_the_file_and_a_locked_store_refuses(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = Store(path, kdf=KdfParams(n=2**10))
    officer = store.add_officer("Rina", "135790")
    store.record_attendance(seen(nik=NIK), label=NAME)
    store.record_attendance(seen(method=Method.GUEST, name="Lalu Zulkarnain"))
    store.apply_worklist([SESSION], [DUE])
    store.lock()
    raw = file_bytes(path)
    for secret in (NIK, NAME, "Lalu Zulkarnain", "LT0000042", "081234567890"):
        assert secret.encode() not in raw, secret
    for call in (
        lambda: store.attendance_for("s1"),
        lambda: store.record_attendance(seen(nik=NIK)),
        lambda: store.pending_activities(5),
        store.umkm_due,
    ):
        with pytest.raises(Locked):
            call()
    assert store.umkm_due_count() == 1 and store.sessions() == [SESSION]  # no one named
    store.unlock(officer.officer_id, "135790")
    assert store.umkm_due() == [DUE]
    assert not store.record_attendance(seen(nik=NIK))  # still once per session


@pytest.mark.own_keys
def test_activities_of_a_plain_file_are_sealed_by_the_first_officer(tmp_path: Path) -> None:
    path = tmp_path / "t.db"
    store = Store(path, kdf=KdfParams(n=2**10))  # no officer yet: plaintext
    store.record_attendance(seen(nik=NIK), label=NAME)
    store.apply_worklist(None, [DUE])
    store.add_officer("Rina", "135790")  # encrypts in place
    store.lock()
    store.close()
    raw = file_bytes(path)
    assert NAME.encode() not in raw and NIK.encode() not in raw
    store = Store(path, kdf=KdfParams(n=2**10))
    officer = store.officers()[0]
    store.unlock(officer.officer_id, "135790")
    assert [a.label for a in store.attendance_for("s1")] == [NAME]
    assert store.umkm_due() == [DUE]
    assert not store.record_attendance(seen(nik=NIK))  # the key was hashed too


def test_a_revoked_tablet_forgets_what_the_server_holds(tmp_path: Path) -> None:
    store = Store(tmp_path / "t.db")
    kept, sent = seen(nik=NIK), seen(method=Method.GUEST, name="Tamu")
    store.record_attendance(kept)
    store.record_attendance(sent)
    store.apply_activity_results([ActivityResult(sent.cid, ActivityOutcome.RECORDED)])
    store.apply_worklist([SESSION], [DUE])
    store.wipe_delivered()
    assert [a.activity.cid for a in store.attendance_for("s1")] == [kept.cid]
    assert store.umkm_due() == []
