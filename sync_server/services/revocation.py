"""Revoking a card (lost, stolen, wrong data) and reissuing one.

A revocation is a row update plus a `card_revoked` change, in the caller's
transaction: the verification page says "revoked" from the commit on, and every
tablet learns the serial at its next pull (docs/protocol.md, Pull). Nothing here
commits, so a desk action can commit its audit entry atomically with the card.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Session

from sync_server.models import Card, Member, utcnow
from sync_server.services.cards import issue_or_get_card, revoke_active_cards
from sync_server.services.changes import CARD_REVOKED, record_change, record_changes
from sync_server.services.signing import active_kid

#: Why a person may ask for a card to be revoked.
REASONS = ("lost", "stolen", "data_error")
#: Set by the system when a newer card replaces an older one.
REISSUED = "reissued"

_CARDS = Card.__table__  # type: ignore[attr-defined]


class RevocationError(ValueError):
    """Why a revocation or reissue cannot be done: `bad_reason`, `unknown_card`,
    `already_revoked`, `unknown_member`."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def revoke_card(session: Session, *, serial: int, reason: str, actor: str) -> None:
    """Revoke card `serial` for `reason` (one of REASONS) on behalf of `actor`.

    The conditional UPDATE makes a repeat (or a race with a reissue) fail cleanly
    with `already_revoked` instead of overwriting the first reason.
    """
    if reason not in REASONS:
        raise RevocationError("bad_reason")
    done = session.execute(
        sa.update(_CARDS)
        .where(_CARDS.c.id == serial, _CARDS.c.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoke_reason=reason, revoked_by=actor[:100])
        .returning(_CARDS.c.id)
    ).first()
    if done is None:
        exists = session.execute(sa.select(_CARDS.c.id).where(_CARDS.c.id == serial)).first()
        raise RevocationError("already_revoked" if exists else "unknown_card")
    record_change(session, CARD_REVOKED, str(serial), payload={"reason": reason, "by": actor})


def reissue_card(session: Session, *, member_id: int, actor: str, valid_years: int = 5) -> Card:
    """A new card (new serial, so a new token) for the member, signed with the active key.

    The member's unrevoked card, if any, is revoked as `reissued` first. After a loss,
    revoke (`lost`) and then reissue; the new card shows up in the reprint list
    (`card_batches`, `reprints_since`). `valid_years` is CARD_VALID_YEARS (default 5).
    """
    if session.get(Member, member_id) is None:
        raise RevocationError("unknown_member")
    revoked = revoke_active_cards(
        session=session, member_ids=[member_id], reason=REISSUED, actor=actor
    )
    record_changes(
        session,
        [(CARD_REVOKED, str(s), None, {"reason": REISSUED, "by": actor}) for s in revoked],
    )
    return issue_or_get_card(
        session=session,
        member_id=member_id,
        kid=active_kid(session=session),
        valid_years=valid_years,
    )
