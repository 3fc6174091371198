"""The coordinator review queue: submissions that could not be merged automatically."""

from __future__ import annotations

import json
from typing import Any

from sqlmodel import Session, select

from enrolment.nik import mask_nik
from sync_server.models import Member, ReviewItem, Submission
from sync_server.services.members import member_number


def open_items(*, session: Session, limit: int = 500) -> list[dict[str, Any]]:
    """Open review items with the member as stored and the submission that disagreed.

    The NIK is masked: the list travels to tablets until coordinator accounts exist.
    """
    rows = session.exec(
        select(ReviewItem, Member, Submission)
        .join(Member, Member.id == ReviewItem.member_id)  # type: ignore[arg-type]
        .join(Submission, Submission.id == ReviewItem.submission_id)  # type: ignore[arg-type]
        .where(ReviewItem.status == "open")
        .order_by(ReviewItem.id)  # type: ignore[arg-type]
        .limit(limit)
    ).all()
    items = []
    for item, member, sub in rows:
        sent = json.loads(sub.payload)
        items.append(
            {
                "id": item.id,
                "kind": item.kind,
                "status": item.status,
                "fields": json.loads(item.fields),
                "created_at": item.created_at.isoformat() + "Z",
                "member_no": member_number(member.id or 0),
                "nik_masked": mask_nik(member.nik),
                "member": {"name": member.full_name, "birth_date": member.birth_date.isoformat()},
                "submitted": {
                    "device_id": str(sub.device_id),
                    "cid": sub.client_id,
                    "ver": sub.version,
                    "name": sent.get("name", ""),
                    "birth_date": sent.get("birth_date", ""),
                },
            }
        )
    return items
