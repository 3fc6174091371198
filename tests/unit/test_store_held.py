"""A record the server holds as a likely duplicate (issue 13), on the tablet: set aside
with its reason, counted as needing attention, never resent, kept, and settled by the
coordinator's decision at a pull."""

from __future__ import annotations

from enrolment.messages import text
from enrolment.protocol import DELIVERED, Outcome, RecordResult
from field_app import outbox
from field_app.store import Status, Store
from tests.conftest import person

REASON = {
    "field": "nik",
    "code": "held_duplicate",
    "id": "Ditahan untuk pemeriksaan: mirip peserta (NIK 5203********0050)",
    "en": "Held for review: resembles a member (NIK 5203********0050)",
}


def test_a_held_record_keeps_its_reason_and_is_not_resent(tmp_path):
    store = Store(tmp_path / "app.db")
    rec, other = person(1), person(2)
    store.save_enrolment(rec)
    store.save_enrolment(other)
    batch = outbox.next_batch(store)
    results = [
        RecordResult(rec.client_id, 1, Outcome.HELD, problems=[REASON]),
        RecordResult(other.client_id, 1, Outcome.CREATED, "LT0000002", "tok"),
    ]
    assert Outcome.HELD not in DELIVERED  # counted as set aside in the sync's report
    outbox.apply_results(store, batch, results)
    item = store.get(rec.client_id)
    assert item is not None and item.status == Status.HELD
    assert item.member_no is None and item.card_token is None
    assert item.problems == [REASON]
    assert Status.HELD in Status.ATTENTION
    assert store.pending(10) == []  # nothing to send: it waits for the coordinator
    assert (rec.client_id, 1) in store.delivered_keys()  # the server has it
    # A revoked tablet forgets what the server accepted, never a held record.
    store.wipe_delivered()
    assert store.get(rec.client_id) is not None and store.get(other.client_id) is None
    assert text("status_held") == "ditahan untuk pemeriksaan"
    assert text("status_held", "en") == "held for review"


def test_the_coordinators_release_reaches_the_held_record(tmp_path):
    store = Store(tmp_path / "app.db")
    rec = person(1)
    store.save_enrolment(rec)
    batch = outbox.next_batch(store)
    outbox.apply_results(
        store, batch, [RecordResult(rec.client_id, 1, Outcome.HELD, problems=[REASON])]
    )
    update = RecordResult.from_update(
        {
            "cid": rec.client_id,
            "ver": 1,
            "outcome": "created",
            "member_no": "LT0000009",
            "card": "c",
        }
    )
    outbox.apply_updates(store, [update])
    item = store.get(rec.client_id)
    assert item is not None and item.status == Status.SENT
    assert (item.member_no, item.card_token, item.problems) == ("LT0000009", "c", [])
