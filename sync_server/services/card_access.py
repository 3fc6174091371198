"""A tablet downloading a member's card: read-only, in its scope, audited.

Cards are issued and reissued only by ingest (a push) and by the desk (decisions,
`reissue-card`); fetching an image never makes one. A device sees the member's
*active* (unrevoked) card or nothing, and only for members its own accepted records
created or matched, or who live in its area (services/devices.py). Anything else is
answered as if the member did not exist: member numbers are sequential, so a
"forbidden" would tell which numbers are real. Every download and every refusal of
an existing member is written to the audit log with the device as actor.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.card_token import CardClaims
from sync_server.models import (
    AuditEntry,
    Card,
    Device,
    Member,
    RetiredMember,
    Submission,
    utcnow,
)
from sync_server.services.cards import card_claims
from sync_server.services.devices import area_codes
from sync_server.services.members import member_number, parse_member_number

#: Outcomes by which a device's record created or matched a member (not `conflict`:
#: that would hand the officer the card, and name, of the person already enrolled).
ACCEPTED = ("created", "merged")
_CARDS = Card.__table__  # type: ignore[attr-defined]
_SUBS = Submission.__table__  # type: ignore[attr-defined]


class CardRefused(Exception):
    """No card for this device: `status` 404 (unknown or not its member) or 410 (gone)."""

    def __init__(self, status: int, code: str, **params: str):
        super().__init__(code)
        self.status = status
        self.code = code
        self.params = params


def device_card(
    *, session: Session, device: Device, member_no: str, fmt: str
) -> tuple[Member, CardClaims]:
    """The member and claims of the active card `device` may download; audited. Raises
    CardRefused otherwise (refusals of a real member audited too: the caller answers the
    refusal rather than raising, so the request's unit of work keeps that entry)."""
    member_id = parse_member_number(member_no)
    member = session.get(Member, member_id) if member_id else None
    if member is None or member.id is None:
        raise CardRefused(404, "not_found")
    try:
        claims = _active_claims(session, device, member)
    except CardRefused as refused:
        _audit(session, device, "card_download_refused", member, fmt, refused.code)
        raise
    _audit(session, device, "card_download", member, fmt, "", serial=claims.serial)
    return member, claims


def _active_claims(session: Session, device: Device, member: Member) -> CardClaims:
    """The claims of the member's active card, or CardRefused."""
    if not in_scope(session, device, member):
        raise CardRefused(404, "not_found")
    if session.get(RetiredMember, member.id) is not None:
        raise CardRefused(410, "member_retired")
    card = session.execute(
        sa.select(Card).where(Card.member_id == member.id, _CARDS.c.revoked_at.is_(None))
    ).scalar_one_or_none()
    if card is None:
        last = session.execute(
            sa.select(_CARDS.c.revoke_reason)
            .where(_CARDS.c.member_id == member.id)
            .order_by(_CARDS.c.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        raise CardRefused(410, "card_revoked", reason=last or "")
    return card_claims(member, card)


def in_scope(session: Session, device: Device, member: Member) -> bool:
    """True if the member lives in the device's area or one of its accepted records
    created or matched the member."""
    if any(member.village_code.startswith(f"{k}.") for k in area_codes(device.area)):
        return True
    own = session.execute(
        sa.select(_SUBS.c.id)
        .where(
            _SUBS.c.device_id == device.id,
            _SUBS.c.member_id == member.id,
            _SUBS.c.outcome.in_(ACCEPTED),
        )
        .limit(1)
    ).first()
    return own is not None


def _audit(
    session: Session,
    device: Device,
    action: str,
    member: Member,
    fmt: str,
    reason: str,
    **details: Any,
) -> None:
    assert member.id is not None
    session.add(
        AuditEntry(
            at=utcnow(),
            username=f"tablet:{device.id}"[:64],  # the device is the actor, not a desk user
            action=action,
            target=member_number(member.id),
            reason=reason,
            details={"device_id": device.id, "device": device.name, "format": fmt, **details},
        )
    )
