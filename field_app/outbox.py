"""The outbox: which saved records go to the server next, and what their answers mean.

Every saved record is pending until the server gives a definite outcome for that
exact version. Rejected and conflicting records are set aside (they never block
the queue and are not resent) until the officer corrects them, which makes a new
version that is pending again. A held record (a likely duplicate) is set aside the
same way until the coordinator's decision arrives at a pull.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from enrolment.protocol import Outcome, RecordResult
from enrolment.records import Enrolment
from field_app.store import Status, Store

BATCH_SIZE = 100

_STATUS = {
    Outcome.CREATED: Status.SENT,
    Outcome.MERGED: Status.SENT,
    Outcome.DUPLICATE: Status.SENT,
    # A newer version was received first; the tablet holds that one (this row no longer
    # matches the version, so nothing changes) — never a reason to resend.
    Outcome.SUPERSEDED: Status.SENT,
    Outcome.CONFLICT: Status.CONFLICT,
    Outcome.REJECTED: Status.REJECTED,
    # Delivered and waiting for the coordinator: set aside with its reason, not resent.
    Outcome.HELD: Status.HELD,
}


def next_batch(store: Store, size: int = BATCH_SIZE) -> list[Enrolment]:
    """The next records to push, oldest first."""
    return store.pending(size)


def next_outgoing(
    store: Store, size: int = BATCH_SIZE
) -> tuple[list[Enrolment], list[dict[str, Any]]]:
    """The next records to push, oldest first, and their payloads as stored: the push
    sends those as they are instead of rebuilding them from the records."""
    pairs = store.pending_wire(size)
    return [record for record, _ in pairs], [wire for _, wire in pairs]


def apply_results(store: Store, sent: list[Enrolment], results: list[RecordResult]) -> int:
    """Record the server's outcomes; results for records not in `sent` are ignored."""
    asked = {(r.client_id, r.version) for r in sent}
    return apply_updates(store, [r for r in results if (r.cid, r.ver) in asked])


def revise(record: Enrolment) -> Enrolment:
    """An edited record: a new version, so the server never sees a silent rewrite."""
    return replace(record, version=record.version + 1)


def apply_updates(store: Store, updates: list[RecordResult]) -> int:
    """Record later outcomes the server pulled down (e.g. a coordinator's review)."""
    rows = [
        (
            r.cid,
            r.ver,
            _STATUS[r.outcome],
            r.member_no,
            r.card,
            json.dumps(r.problems, ensure_ascii=False),
        )
        for r in updates
    ]
    return store.record_outcomes(rows)
