"""Recording attendance by card scan, offline (field_app/features/education.py): what
each verdict of the card check does, and what the server refused stays in sight."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from enrolment import card_token
from enrolment.activities import ActivityOutcome, ActivityResult
from enrolment.worklist import EducationSession, Topic
from field_app.state import AppState
from field_app.store import Store
from field_app.store_activities import ActivityStatus

KEY = Ed25519PrivateKey.generate()
X = card_token.b64e(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw))
SESSION = EducationSession(
    "s1", Topic.WORK_SAFETY, "", "52.03.07.1001", date.today(), "Balai", "Pak Amir", ()
)


def card(serial: int, name: str, expires: date | None = None, key=KEY, kid: str = "k1") -> str:
    """A card's QR text, signed with `key`."""
    claims = card_token.CardClaims(
        serial,
        f"LT{serial:07d}",
        name,
        "umkm_owner",
        "52.03.07.1001",
        date.today() - timedelta(days=400),
        expires or date.today() + timedelta(days=1000),
    )
    payload = card_token.encode_claims(claims)
    token = card_token.assemble(kid, payload, key.sign(card_token.signing_input(kid, payload)))
    return f"HTTPS://VERIFIKASI.EXAMPLE/v/{token}"


def opened(tmp_path: Path) -> AppState:
    store = Store(tmp_path / "t.db")
    store.save_public_keys({"k1": X})
    store.apply_pull(cursor="c", keys={"k1": X}, revoked=[13], roster=[], roster_full=False)
    store.apply_worklist([SESSION], None)
    state = AppState(store=store)
    asyncio.run(state.education.open())
    asyncio.run(state.education.open_session(SESSION))
    return state


def test_each_verdict_of_a_scanned_card(tmp_path: Path) -> None:
    state = opened(tmp_path)
    edu = state.education

    def scan(text: str) -> tuple[str, str]:
        asyncio.run(edu.scanned(text))
        assert edu.result is not None
        return edu.result.code, edu.result.kind

    assert scan(card(11, "Siti Aminah")) == ("att_present", "success")
    assert edu.note is None
    assert scan(card(11, "Siti Aminah")) == ("att_already", "warning")
    old = card(12, "Baiq Rina", expires=date.today() - timedelta(days=3))
    assert scan(old) == ("att_present", "success")  # an expired card still names her
    assert edu.note is not None and edu.note.kind == "warning"
    assert scan(card(13, "Lalu Hadi")) == ("att_revoked", "error")
    assert scan(card(14, "Amaq Udin", kid="k9")) == ("att_unknown_key", "warning")
    other = Ed25519PrivateKey.generate()
    assert scan(card(15, "Inaq Sari", key=other)) == ("att_not_genuine", "error")
    assert [a.label for a in edu.attendance] == ["Baiq Rina", "Siti Aminah"]
    assert {a.member_no for a in edu.attendance} == {"LT0000011", "LT0000012"}


def test_a_refused_attendance_stays_on_the_sessions_screen(tmp_path: Path) -> None:
    state = opened(tmp_path)
    asyncio.run(state.education.scanned(card(11, "Siti Aminah")))
    [recorded] = state.store.pending_activities(5)
    refusal = {"field": "session", "code": "attendance_session_unknown", "id": "x", "en": "y"}
    state.store.apply_activity_results(
        [ActivityResult(recorded.cid, ActivityOutcome.REJECTED, (refusal,))]
    )
    state.store.apply_worklist([], None)  # the session was cancelled: no longer pulled
    asyncio.run(state.education.open())
    assert state.education.sessions == []
    [refused] = state.education.refused
    assert refused.label == "Siti Aminah" and refused.status == ActivityStatus.REJECTED
    assert refused.problems == [refusal]


def test_a_refused_visit_to_an_owner_no_longer_due_stays_in_sight(tmp_path: Path) -> None:
    from enrolment.activities import UmkmVisit, VisitOutcome
    from enrolment.records import new_client_id
    from enrolment.worklist import UmkmDue

    store = Store(tmp_path / "t.db")
    due = [UmkmDue(f"LT000000{i}", f"Pemilik {i}", "52.03.07.1001", date.today()) for i in (1, 2)]
    store.apply_worklist(None, due)
    state = AppState(store=store)
    for owner in due:
        visit = UmkmVisit(new_client_id(), owner.member_no, VisitOutcome.MOVED, "t")
        store.record_visit(visit, label=owner.name)
    refusal = {"field": "member_no", "code": "visit_member_unknown", "id": "x", "en": "y"}
    store.apply_activity_results(
        [
            ActivityResult(a.cid, ActivityOutcome.REJECTED, (refusal,))
            for a in store.pending_activities(5)
        ]
    )
    store.apply_worklist(None, due[1:])  # the first owner is no longer due
    asyncio.run(state.umkm.open())
    assert [r.label for r in state.umkm.refused] == ["Pemilik 1"]  # the other is listed
    assert state.umkm.visits["LT0000002"].status == ActivityStatus.REJECTED
