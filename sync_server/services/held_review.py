"""The coordinator's decision on a record held at ingest as a likely duplicate.

A `held_duplicate` item hangs on member M (the one the record resembles) and on the
held submission S, which has no member. The desk's actions:

- *keep* (release: two people) makes S a member of its own, numbered now, with the
  fields S was sent with: S becomes `created`, and its tablet learns the number, and
  the card (issued at that pull), at its next pull. If its NIK became a member in the
  meantime, S joins that member (`merged`).
- *merge* (one person) accepts S into M: `merged` with M's number and card; M is not
  changed.
- *reject* leaves S rejected with the reason.
"""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.member_columns import identity_values, programme_values
from enrolment.protocol import record_from_wire
from enrolment.records import cleaned, parse_birth_date
from sync_server.db import insert_rows
from sync_server.models import Member, ReviewItem, Submission, utcnow
from sync_server.services.changes import (
    REVIEW_OUTCOME,
    hold_writer_lock,
    record_changes,
    review_outcome_payload,
)
from sync_server.services.members import member_number
from sync_server.services.server_identity import explicit_ids

_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_SUBS = Submission.__table__  # type: ignore[attr-defined]


def decide_held(
    session: Session,
    item: ReviewItem,
    sub: Submission,
    action: str,
    rejection: dict[str, str],
) -> dict[str, str]:
    """Carry out `action` (keep = release, merge, reject) on the held submission `sub`;
    what the audit entry records of it. `rejection`: the problem a rejection carries."""
    problems: list[dict[str, str]] = []
    if action == "keep":
        member_id, outcome = _release(session, sub)
    elif action == "merge":
        member_id, outcome = item.member_id, "merged"
    else:
        member_id, outcome, problems = None, "rejected", [rejection]
    session.execute(
        sa.update(_SUBS)
        .where(_SUBS.c.id == sub.id)
        .values(outcome=outcome, member_id=member_id, problems=json.dumps(problems))
    )
    number = member_number(member_id) if member_id is not None else None
    payload = review_outcome_payload(
        cid=sub.client_id, ver=sub.version, outcome=outcome, member_no=number, problems=problems
    )
    record_changes(session, [(REVIEW_OUTCOME, sub.client_id, sub.device_id, payload)])
    return {"outcome": outcome, **({"member_of_record": number} if number else {})}


def _release(session: Session, sub: Submission) -> tuple[int, str]:
    """A member for the held submission (`created`), or the member its NIK already is
    (`merged`)."""
    record = cleaned(record_from_wire(json.loads(sub.payload)))
    birth = parse_birth_date(record.birth_date)
    assert birth is not None  # it was valid when it was held
    hold_writer_lock(session)  # a new member id: pulls wait for this commit
    now = utcnow()
    row: dict[str, Any] = {
        "nik": record.nik,
        **identity_values(record, birth),
        **programme_values(record),
        "created_at": now,
        "updated_at": now,
    }
    ids = explicit_ids(session, _MEMBERS, 1)
    if ids:
        row["id"] = ids[0]
    inserted = insert_rows(session, _MEMBERS, [row], on_conflict=("nik",), returning=("id",))
    if inserted:
        return int(inserted[0].id), "created"
    existing = session.scalar(sa.select(_MEMBERS.c.id).where(_MEMBERS.c.nik == record.nik))
    assert existing is not None
    return int(existing), "merged"
