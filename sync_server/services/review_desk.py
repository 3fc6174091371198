"""The desk's review queue: list items, show both sides, and carry out a decision.

Decisions and what the tablets learn (through `changes`, at their next pull):

- identity_conflict (member M, conflicting submission S): *merge* accepts S into M
  (`merged` with M's number); *reject* leaves S rejected with the reason; *keep both*
  is impossible (one NIK is one member).
- possible_duplicate (earlier member A, later member B): *merge* retires B into A (B's
  submissions become `merged` into A, B's cards are revoked); *keep both* changes
  nothing; *reject* retires B (its submissions `rejected`, cards revoked).
- superseded_nik (old member A, edit S into new member B): *merge* retires A into B
  (the edit was right); *keep both* changes nothing; *reject* retires B as above.
- contact_update (member M, submission S from a device that did not create M, with
  another phone or village): *merge* takes S's phone and village into M (a new
  village is printed, so the card is reissued); *reject* keeps M as it is.
- held_duplicate (member M, submission S held at ingest, no member yet): *keep*
  releases S as a new member, *merge* accepts S into M, *reject* rejects S
  (`held_review.py`).

An item is claimed with one conditional UPDATE (`status = 'open'`), so two
coordinators deciding at once cannot both act; every decision is audited.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.areas import village_label
from enrolment.messages import slashed
from enrolment.problems import problem
from enrolment.segments import segment_name
from sync_server.desk_format import format_day, sex_letter
from sync_server.models import Member, RetiredMember, ReviewItem, Submission, User, utcnow
from sync_server.services.audit import audit
from sync_server.services.cards import revoke_active_cards
from sync_server.services.changes import (
    CARD_REVOKED,
    REVIEW_OUTCOME,
    record_changes,
    review_outcome_payload,
)
from sync_server.services.held_review import decide_held
from sync_server.services.ingest_hold import HELD_DUPLICATE
from sync_server.services.members import member_number
from sync_server.services.reported_fields import (
    ReportedRow,
    from_member,
    from_wire,
    review_rows,
)

ACTIONS = ("merge", "keep", "reject")
KIND_NAMES = {
    "identity_conflict": ("Konflik identitas", "Identity conflict"),
    "possible_duplicate": ("Kemungkinan ganda", "Possible duplicate"),
    "superseded_nik": ("NIK diganti", "NIK changed by an edit"),
    "contact_update": ("Perubahan kontak dari tablet lain", "Contact change from another tablet"),
    HELD_DUPLICATE: ("Ditahan: kemungkinan ganda", "Held: possible duplicate"),
}
# Kinds decided like a conflict: the submission against the member, merge or reject.
_ONE_MEMBER_KINDS = ("identity_conflict", "contact_update")
STATUS_OF = {"merge": "merged", "keep": "kept", "reject": "rejected"}
_ACCEPTED = ("created", "merged")
_SUBS = Submission.__table__  # type: ignore[attr-defined]
_ITEMS = ReviewItem.__table__  # type: ignore[attr-defined]


class DecisionError(ValueError):
    """A decision that cannot be carried out; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Side:
    """One column of the side-by-side view."""

    title: str
    member_no: str
    nik: str
    name: str
    birth_date: str
    sex: str
    village: str
    segment: str
    phone: str
    device: str
    reported: tuple[ReportedRow, ...] = ()  # the schema's reported fields (funding, income…)


@dataclass(frozen=True)
class ItemView:
    """A review item as the desk shows it."""

    id: int
    kind: str
    kind_name: tuple[str, str]
    status: str
    created_at: datetime  # stored UTC; the page shows WITA
    left: Side
    right: Side
    differing: list[str]  # field names shown highlighted
    actions: tuple[str, ...]
    note: str  # e.g. the name similarity of a duplicate pair


def queue(*, session: Session, status: str = "open", limit: int = 300) -> list[ItemView]:
    """Items with `status` (open first-come first-served; decided ones newest first).

    Items, their submissions and both members are read in three queries, not per row.
    """
    order = _ITEMS.c.id if status == "open" else _ITEMS.c.id.desc()
    items = session.scalars(
        sa.select(ReviewItem).where(_ITEMS.c.status == status).order_by(order).limit(limit)
    ).all()
    subs = _by_id(session, Submission, {i.submission_id for i in items})
    member_ids = {i.member_id for i in items} | {
        s.member_id for s in subs.values() if s.member_id is not None
    }
    members = _by_id(session, Member, member_ids)
    views = (_view(i, subs.get(i.submission_id), members) for i in items)
    return [v for v in views if v is not None]


def _by_id(session: Session, model: Any, ids: set[int]) -> dict[int, Any]:
    if not ids:
        return {}
    rows = session.scalars(sa.select(model).where(model.__table__.c.id.in_(ids))).all()
    return {r.id: r for r in rows}


def counts(*, session: Session) -> dict[str, int]:
    """Open items per kind."""
    rows = session.execute(
        sa.select(_ITEMS.c.kind, sa.func.count())
        .where(_ITEMS.c.status == "open")
        .group_by(_ITEMS.c.kind)
    ).all()
    return {k: int(n) for k, n in rows}


def item_view(*, session: Session, item_id: int) -> ItemView | None:
    """One item with both sides, or None if there is no such item."""
    item = session.get(ReviewItem, item_id)
    if item is None:
        return None
    sub = session.get(Submission, item.submission_id)
    ids = {item.member_id} | ({sub.member_id} if sub and sub.member_id is not None else set())
    return _view(item, sub, {i: m for i in ids if (m := session.get(Member, i)) is not None})


def _view(item: ReviewItem, sub: Submission | None, members: dict[int, Member]) -> ItemView | None:
    """The view of `item` from its submission and the members it concerns (by id)."""
    member = members.get(item.member_id)
    if sub is None or member is None:
        return None
    sent = json.loads(sub.payload)
    left = _member_side(slashed("review_side_member"), member, "")
    if item.kind in _ONE_MEMBER_KINDS or sub.member_id is None:
        right = _sent_side(slashed("review_side_sent"), sent, sub.device_id)
        actions: tuple[str, ...] = ACTIONS if item.kind == HELD_DUPLICATE else ("merge", "reject")
    else:
        other = members.get(sub.member_id)
        if other is None:
            return None
        right = _member_side(slashed("review_side_other"), other, f"tablet #{sub.device_id}")
        actions = ACTIONS
    item_fields = json.loads(item.fields)
    fields = [f for f in item_fields if ":" not in f]
    differing = [
        k
        for k in ("nik", "name", "birth_date", "sex", "village")
        if getattr(left, k) != getattr(right, k)
    ]
    note = next((f.split(":", 1)[1] for f in item_fields if f.startswith("name_score:")), "")
    return ItemView(
        id=item.id or 0,
        kind=item.kind,
        kind_name=KIND_NAMES.get(item.kind, (item.kind, item.kind)),
        status=item.status,
        created_at=item.created_at,
        left=left,
        right=right,
        differing=differing or fields,
        actions=actions,
        note=note,
    )


def _member_side(title: str, m: Member, device: str) -> Side:
    return Side(
        title=title,
        member_no=member_number(m.id or 0),
        nik=m.nik,
        name=m.full_name,
        birth_date=format_day(m.birth_date),
        sex=sex_letter(m.sex) or m.sex,
        village=village_label(m.village_code),
        segment=segment_name(m.segment),
        phone=m.phone,
        device=device,
        reported=tuple(review_rows(from_member(m))),
    )


def _sent_side(title: str, sent: dict[str, Any], device_id: int) -> Side:
    return Side(
        title=title,
        member_no="—",
        nik=str(sent.get("nik", "")),
        name=str(sent.get("name", "")),
        birth_date=format_day(str(sent.get("birth_date", ""))),
        sex=sex_letter(str(sent.get("sex", ""))) or str(sent.get("sex", "")),
        village=village_label(str(sent.get("village", ""))),
        segment=segment_name(str(sent.get("segment", ""))),
        phone=str(sent.get("phone", "")),
        device=f"tablet #{device_id}",
        reported=tuple(review_rows(from_wire(sent))),
    )


def decide(*, session: Session, item_id: int, action: str, reason: str, user: User) -> str:
    """Carry out `action` on an open item, audit it; returns the new status.

    Raises DecisionError: not_found, already_decided, bad_action, reason_required.
    """
    reason = " ".join(reason.split())
    if action not in ACTIONS:
        raise DecisionError("bad_action")
    if len(reason) < 3:
        raise DecisionError("reason_required")
    item = session.get(ReviewItem, item_id)
    if item is None:
        raise DecisionError("not_found")
    sub = session.get(Submission, item.submission_id)
    assert sub is not None and item.id is not None
    held = item.kind == HELD_DUPLICATE
    conflict = item.kind in _ONE_MEMBER_KINDS or sub.member_id is None
    if conflict and action == "keep" and not held:
        raise DecisionError("bad_action")
    status = STATUS_OF[action]
    claimed = session.execute(
        sa.update(_ITEMS)
        .where(_ITEMS.c.id == item.id, _ITEMS.c.status == "open")
        .values(status=status)
    )
    if claimed.rowcount != 1:
        session.rollback()
        raise DecisionError("already_decided")
    details: dict[str, Any] = {"kind": item.kind, "member": member_number(item.member_id)}
    if held:
        details.update(decide_held(session, item, sub, action, rejection_problem(reason)))
    elif item.kind == "contact_update":
        if action == "merge":
            _take_contact(session, item.member_id, json.loads(sub.payload))
    elif conflict:
        _decide_conflict(session, item, sub, action, reason)
    elif action != "keep":
        details.update(_decide_pair(session, item, sub, action, reason))
    audit(session, user, f"review_{action}", f"review:{item.id}", reason, details)
    return status


def _decide_pair(
    session: Session, item: ReviewItem, sub: Submission, action: str, reason: str
) -> dict[str, str]:
    """Two members (a possible duplicate, a superseded NIK): retire one, merged into the
    other or rejected; what the audit entry records of it."""
    a, b = item.member_id, sub.member_id
    assert b is not None and item.id is not None
    if action == "merge":
        # A superseded NIK was corrected by the edit: the newer member is the right one.
        keep, drop = (b, a) if item.kind == "superseded_nik" else (a, b)
        _retire(session, drop, keep, item.id, reason)
    else:
        keep, drop = a, b
        _retire(session, drop, None, item.id, reason)
    return {"kept": member_number(keep), "retired": member_number(drop)}


def rejection_problem(reason: str) -> dict[str, str]:
    """The problem a tablet shows for a record the coordinator rejected."""
    return problem("nik", "review_rejected", reason=reason).to_wire()


def _take_contact(session: Session, member_id: int, sent: dict[str, Any]) -> None:
    """Take a submission's phone and village into the member; a new village is printed
    on the card, so the card is revoked as reissued (the next sync issues the new one)."""
    member = session.get(Member, member_id)
    if member is None:
        return
    phone, village = str(sent.get("phone") or member.phone), str(sent.get("village", ""))
    moved = bool(village) and village != member.village_code
    member.phone = phone
    if moved:
        member.village_code = village
        revoked = revoke_active_cards(session=session, member_ids=[member_id], reason="reissued")
        record_changes(session, [(CARD_REVOKED, str(serial), None, None) for serial in revoked])
    member.updated_at = utcnow()
    session.add(member)


def _decide_conflict(
    session: Session, item: ReviewItem, sub: Submission, action: str, reason: str
) -> None:
    """An identity conflict: accept the submission into the member, or reject it."""
    if action == "merge":
        outcome, member_id, problems = "merged", item.member_id, []
    else:
        outcome, member_id, problems = "rejected", sub.member_id, [rejection_problem(reason)]
    session.execute(
        sa.update(_SUBS)
        .where(_SUBS.c.id == sub.id)
        .values(outcome=outcome, member_id=member_id, problems=json.dumps(problems))
    )
    payload = review_outcome_payload(
        cid=sub.client_id,
        ver=sub.version,
        outcome=outcome,
        member_no=member_number(member_id) if outcome == "merged" and member_id else None,
        problems=problems,
    )
    record_changes(session, [(REVIEW_OUTCOME, sub.client_id, sub.device_id, payload)])


def _retire(session: Session, drop: int, into: int | None, item_id: int, reason: str) -> None:
    """Retire member `drop` (into `into`, or rejected): move or reject its accepted
    submissions, tell each sending tablet, revoke its cards (every tablet learns)."""
    session.add(
        RetiredMember(
            member_id=drop, merged_into_id=into, review_item_id=item_id, retired_at=utcnow()
        )
    )
    subs = session.execute(
        sa.select(_SUBS.c.id, _SUBS.c.device_id, _SUBS.c.client_id, _SUBS.c.version).where(
            _SUBS.c.member_id == drop, _SUBS.c.outcome.in_(_ACCEPTED)
        )
    ).all()
    if into is not None:
        outcome, problems, member_no = "merged", [], member_number(into)
        values: dict[str, Any] = {"member_id": into, "outcome": outcome}
    else:
        outcome, problems, member_no = "rejected", [rejection_problem(reason)], None
        values = {"outcome": outcome, "problems": json.dumps(problems)}
    if subs:
        session.execute(
            sa.update(_SUBS).where(_SUBS.c.id.in_([s.id for s in subs])).values(**values)
        )
    changes = [
        (
            REVIEW_OUTCOME,
            s.client_id,
            s.device_id,
            review_outcome_payload(
                cid=s.client_id,
                ver=s.version,
                outcome=outcome,
                member_no=member_no,
                problems=problems,
            ),
        )
        for s in subs
    ]
    revoked = revoke_active_cards(
        session=session, member_ids=[drop], reason="merged" if into else "rejected"
    )
    changes += [(CARD_REVOKED, str(serial), None, None) for serial in revoked]
    record_changes(session, changes)
