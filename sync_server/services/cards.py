"""Membership cards: one active card per member, and its signed token.

Images and PDFs of a card are drawn elsewhere (card_layout, card_png, card_pdf);
revocation and reissue live in services/revocation.py. Cards are issued only here,
for ingest and the desk; a tablet downloading a card reads it (card_access.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

import sqlalchemy as sa
from sqlmodel import Session, select

from enrolment.card_token import CardClaims
from sync_server.db import dialect_insert, insert_rows
from sync_server.models import Card, utcnow
from sync_server.services.members import member_number
from sync_server.services.server_identity import explicit_ids
from sync_server.services.sql_lists import in_list


def add_years(day: date, years: int) -> date:
    """`day` moved `years` on; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def issue_or_get_card(*, session: Session, member_id: int, kid: str, valid_years: int) -> Card:
    """The member's unrevoked card, issued now if there is none.

    ON CONFLICT on the partial unique index (one unrevoked card per member) makes
    concurrent issuers agree on a single card.
    """
    today = utcnow().date()
    insert = dialect_insert(session)
    values = {"member_id": member_id, "kid": kid, "issued_on": today}
    ids = explicit_ids(session, _CARDS, 1)  # after a restore: serials in a fresh block
    if ids:
        values["id"] = ids[0]
    session.exec(
        insert(Card)
        .values(**values, expires_on=add_years(today, valid_years))
        .on_conflict_do_nothing(
            index_elements=["member_id"], index_where=sa.text("revoked_at IS NULL")
        )
    )
    return session.exec(
        select(Card)
        .where(Card.member_id == member_id, Card.revoked_at.is_(None))  # type: ignore[union-attr]
        .execution_options(populate_existing=True)
    ).one()


@dataclass(frozen=True)
class ActiveCard:
    """The columns of an unrevoked card that go into its token."""

    id: int
    member_id: int
    issued_on: date
    expires_on: date


_CARDS = Card.__table__  # type: ignore[attr-defined]


def revoke_active_cards(
    *, session: Session, member_ids: list[int], reason: str, actor: str = "sync"
) -> list[int]:
    """Revoke the unrevoked cards of `member_ids`; returns their serials (ascending).

    The caller records the `card_revoked` changes (services/changes.py) so tablets learn.
    """
    if not member_ids:
        return []
    rows = session.execute(
        sa.update(_CARDS)
        .where(_CARDS.c.member_id.in_(member_ids), _CARDS.c.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoke_reason=reason, revoked_by=actor[:100])
        .returning(_CARDS.c.id)
    ).all()
    return sorted(r[0] for r in rows)


def ensure_active_cards(
    *, session: Session, member_ids: list[int], kid: str, valid_years: int, today: date
) -> dict[int, ActiveCard]:
    """Each member's unrevoked card by member id, issuing (in bulk) those missing.

    Set-based twin of `issue_or_get_card` for a push batch: one SELECT, one multi-row
    INSERT … ON CONFLICT DO NOTHING on the one-unrevoked-card index (in member order,
    like every lock a batch takes), and a re-read only if a concurrent issuer won.
    """
    wanted = sorted(set(member_ids))
    cards = _active_cards(session, wanted)
    missing = [m for m in wanted if m not in cards]
    if missing:
        expires = add_years(today, valid_years)
        new_rows: list[dict] = [
            {"member_id": m, "kid": kid, "issued_on": today, "expires_on": expires} for m in missing
        ]
        ids = explicit_ids(session, _CARDS, len(new_rows))  # after a restore: a fresh block
        for row, serial in zip(new_rows, ids or [], strict=False):
            row["id"] = serial
        rows = insert_rows(
            session,
            _CARDS,
            new_rows,
            on_conflict=("member_id",),
            conflict_where="revoked_at IS NULL",
            returning=("id", "member_id", "issued_on", "expires_on"),
        )
        cards.update({r.member_id: ActiveCard(*r) for r in rows})
        raced = [m for m in missing if m not in cards]
        if raced:
            cards.update(_active_cards(session, raced))
    return cards


def _active_cards(session: Session, member_ids: list[int]) -> dict[int, ActiveCard]:
    if not member_ids:
        return {}
    rows = session.execute(
        sa.select(_CARDS.c.id, _CARDS.c.member_id, _CARDS.c.issued_on, _CARDS.c.expires_on).where(
            in_list(session, _CARDS.c.member_id, member_ids), _CARDS.c.revoked_at.is_(None)
        )
    ).all()
    return {r.member_id: ActiveCard(*r) for r in rows}


class _Holder(Protocol):
    """What a card states about its member (a Member row, or ingest's locked state)."""

    id: int | None
    full_name: str
    segment: str
    village_code: str


class _CardRow(Protocol):
    """What a card states about itself (a Card row, or an ActiveCard)."""

    id: int | None
    issued_on: date
    expires_on: date


def card_claims(member: _Holder, card: _CardRow) -> CardClaims:
    """What the card states, from the member as stored now."""
    assert member.id is not None and card.id is not None
    return CardClaims(
        serial=card.id,
        member_no=member_number(member.id),
        name=member.full_name,
        segment=member.segment,
        village_code=member.village_code,
        issued=card.issued_on,
        expires=card.expires_on,
    )


def verify_url(public_base_url: str, token: str) -> str:
    """The link in the card's QR code."""
    return f"{public_base_url.rstrip('/')}/v/{token}"
