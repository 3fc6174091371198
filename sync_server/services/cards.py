"""Membership cards: one active card per member, its signed token, and its image."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

import qrcode
import sqlalchemy as sa
from PIL import Image, ImageDraw, ImageFont
from qrcode.constants import ERROR_CORRECT_M
from sqlmodel import Session, select

from enrolment.areas import village_label
from enrolment.card_token import CardClaims
from enrolment.segments import segment_name
from sync_server.db import dialect_insert, insert_rows
from sync_server.models import Card, Member, utcnow
from sync_server.services.members import member_number
from sync_server.services.signing import Signer

PROGRAMME = "BPJS Ketenagakerjaan — Kabupaten Lombok Timur"
CARD_SIZE = (1012, 638)  # ID-1 (85.6 x 54 mm) at 300 dpi
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


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
    session.exec(
        insert(Card)
        .values(
            member_id=member_id,
            kid=kid,
            issued_on=today,
            expires_on=add_years(today, valid_years),
        )
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


def revoke_active_cards(*, session: Session, member_ids: list[int], reason: str) -> list[int]:
    """Revoke the unrevoked cards of `member_ids`; returns their serials (ascending)."""
    if not member_ids:
        return []
    rows = session.execute(
        sa.update(_CARDS)
        .where(_CARDS.c.member_id.in_(member_ids), _CARDS.c.revoked_at.is_(None))
        .values(revoked_at=utcnow(), revoke_reason=reason)
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
        rows = insert_rows(
            session,
            _CARDS,
            [
                {"member_id": m, "kid": kid, "issued_on": today, "expires_on": expires}
                for m in missing
            ],
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
            _CARDS.c.member_id.in_(member_ids), _CARDS.c.revoked_at.is_(None)
        )
    ).all()
    return {r.member_id: ActiveCard(*r) for r in rows}


def card_claims(member: Member, card: Card) -> CardClaims:
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


def card_token(*, session: Session, member: Member, signer: Signer, valid_years: int) -> str:
    """The signed token of the member's card, issuing the card if needed."""
    assert member.id is not None
    card = issue_or_get_card(
        session=session, member_id=member.id, kid=signer.kid, valid_years=valid_years
    )
    return signer.sign_card(card_claims(member, card))


def verify_url(public_base_url: str, token: str) -> str:
    """The link in the card's QR code."""
    return f"{public_base_url.rstrip('/')}/v/{token}"


@cache
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    path = DEJAVU / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.exists():
        return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def _fit(draw: ImageDraw.ImageDraw, text: str, width: int, size: int, bold: bool = False):
    """The largest font up to `size` in which `text` fits `width` pixels."""
    while size > 14 and draw.textlength(text, font=_font(size, bold)) > width:
        size -= 2
    return _font(size, bold)


def render_card_png(claims: CardClaims, url: str) -> bytes:
    """The card as a PNG: programme, holder, number, segment, village, validity, QR."""
    width, height = CARD_SIZE
    img = Image.new("RGB", CARD_SIZE, "white")
    draw = ImageDraw.Draw(img)
    green = (0, 122, 61)
    draw.rectangle((0, 0, width, 96), fill=green)
    draw.text((36, 26), PROGRAMME, fill="white", font=_fit(draw, PROGRAMME, width - 72, 34, True))

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4)
    qr.add_data(url)
    qr.make(fit=True)
    # Whole pixels per module (no resampling) keep the code sharp for phone cameras.
    qr_area = 420
    qr.box_size = max(1, qr_area // (qr.modules_count + 2 * qr.border))
    qr_img = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    side = qr_img.size[0]
    img.paste(qr_img, (width - 24 - qr_area + (qr_area - side) // 2, 120 + (qr_area - side) // 2))

    text_w = width - qr_area - 24 - 36 - 16
    x, y = 36, 130
    draw.text((x, y), "KARTU PESERTA / MEMBER CARD", fill=green, font=_font(22, True))
    y += 44
    draw.text((x, y), claims.name, fill="black", font=_fit(draw, claims.name, text_w, 44, True))
    y += 70
    rows = [
        ("No. Peserta / Member no.", claims.member_no),
        ("Segmen / Segment", segment_name(claims.segment)),
        ("Desa / Village", village_label(claims.village_code)),
        (
            "Berlaku / Valid",
            f"{claims.issued:%d-%m-%Y} s.d. {claims.expires:%d-%m-%Y}",
        ),
    ]
    for label, value in rows:
        draw.text((x, y), label, fill=(90, 90, 90), font=_font(20))
        draw.text((x, y + 24), value, fill="black", font=_fit(draw, value, text_w, 30))
        y += 72
    draw.text(
        (x, height - 40),
        "Pindai QR untuk memeriksa keaslian / Scan the QR to verify",
        fill=(90, 90, 90),
        font=_font(18),
    )
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()
