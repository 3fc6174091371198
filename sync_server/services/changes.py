"""The changes feed: what tablets must learn at their next pull.

Rows are appended when a card is revoked (`card_revoked`, ref = serial, for every
tablet) or a submission gets a later outcome (`review_outcome`, for the device that
sent it). A pull returns the rows after the cursor's change id.

Ids come from a sequence on PostgreSQL, so a transaction can commit a lower id
after another committed a higher one; a pull that had already moved its cursor
past the higher id would then miss the lower one for good. To prevent that,
writers of changes and members hold a shared advisory lock for their transaction
and a pull takes it exclusively for a moment to read the highest ids
(`stable_bounds`): every id up to those is then committed or never will be.
SQLite needs none of this, since it runs one write transaction at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlmodel import Session

from sync_server.models import Change, Member, utcnow

CARD_REVOKED = "card_revoked"
REVIEW_OUTCOME = "review_outcome"

# Arbitrary constant naming the feed's advisory lock on PostgreSQL.
_PG_FEED_LOCK = 52_03_0002


def hold_writer_lock(session: Session) -> None:
    """Before writing changes or members: let pulls wait for this transaction's commit.

    Shared, so writers never wait for each other; reentrant within a transaction.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock_shared(:k)"), {"k": _PG_FEED_LOCK})


def stable_bounds(session: Session) -> tuple[int, int]:
    """(highest change id, highest member id) such that nothing lower can still appear.

    Ends the session's transaction, so the exclusive lock is held only for this read:
    call it before the transaction writes anything. It is rolled back, not committed
    (this read wrote nothing), so the request's unit of work stays the one that commits.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_FEED_LOCK})
    change_id = session.execute(select(func.coalesce(func.max(Change.id), 0))).scalar_one()
    member_id = session.execute(select(func.coalesce(func.max(Member.id), 0))).scalar_one()
    if session.new or session.dirty or session.deleted:
        raise RuntimeError("stable_bounds would end a transaction that has writes")
    session.rollback()
    return int(change_id), int(member_id)


def record_change(
    session: Session,
    kind: str,
    ref: str = "",
    *,
    device_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Append one change in the session's transaction (committed with it)."""
    record_changes(session, [(kind, ref, device_id, payload)])


def record_changes(
    session: Session, rows: Iterable[tuple[str, str, int | None, dict[str, Any] | None]]
) -> None:
    """Append several changes `(kind, ref, device_id, payload)` with one statement."""
    values = [
        {"kind": k, "ref": r, "device_id": d, "payload": p, "created_at": utcnow()}
        for k, r, d, p in rows
    ]
    if not values:
        return
    hold_writer_lock(session)
    session.execute(insert(Change), values)


def review_outcome_payload(
    *, cid: str, ver: int, outcome: str, member_no: str | None, problems: list[dict[str, str]]
) -> dict[str, Any]:
    """The payload of a `review_outcome` change: what the tablet's `updates` entry says."""
    return {
        "cid": cid,
        "ver": ver,
        "outcome": outcome,
        "member_no": member_no,
        "problems": problems,
    }
