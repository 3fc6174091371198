"""What a scanned card token proves: genuine or not, and whether still valid."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from enrolment.areas import village_label
from enrolment.card_token import CardClaims, CardTokenError, verify
from enrolment.nik import mask_nik
from enrolment.segments import segment_name
from sync_server.models import Card, Member, utcnow
from sync_server.services.members import parse_member_number
from sync_server.services.signing import public_keys

VALID, EXPIRED, REVOKED, NOT_GENUINE = "valid", "expired", "revoked", "not_genuine"

STATUS_TEXT: dict[str, tuple[str, str]] = {
    VALID: ("KARTU ASLI DAN BERLAKU", "Genuine and valid card"),
    EXPIRED: ("KARTU ASLI, MASA BERLAKU HABIS", "Genuine card, expired"),
    REVOKED: ("KARTU SUDAH DICABUT", "This card has been revoked"),
    NOT_GENUINE: ("KARTU TIDAK ASLI", "Not a genuine card"),
}


@dataclass(frozen=True)
class Verification:
    """The verdict on a token, with what may be shown publicly about the holder."""

    status: str
    reason: str = ""  # why not genuine: malformed, unknown_key, bad_signature, unknown_card
    claims: CardClaims | None = None
    nik_masked: str = ""

    @property
    def headline(self) -> tuple[str, str]:
        """The status in Bahasa Indonesia and English."""
        return STATUS_TEXT[self.status]

    def to_json(self) -> dict:
        """The verdict as served at /api/v1/verify/{token}. Never the full NIK."""
        out: dict = {"status": self.status}
        if self.reason:
            out["reason"] = self.reason
        c = self.claims
        if c is not None:
            out["card"] = {
                "serial": c.serial,
                "member_no": c.member_no,
                "name": c.name,
                "segment": c.segment,
                "segment_name": segment_name(c.segment),
                "village_code": c.village_code,
                "village": village_label(c.village_code),
                "nik_masked": self.nik_masked,
                "issued": c.issued.isoformat(),
                "expires": c.expires.isoformat(),
            }
        return out


def verify_card_token(*, session: Session, token: str, today: date | None = None) -> Verification:
    """Check a token's signature, then the card it names in the database."""
    today = today or utcnow().date()
    try:
        claims = verify(token, public_keys(session=session))
    except CardTokenError as exc:
        return Verification(NOT_GENUINE, exc.reason)
    member_id = parse_member_number(claims.member_no)
    member = session.get(Member, member_id) if member_id else None
    card = session.get(Card, claims.serial)
    # A validly signed token naming a card or member we do not hold can only come
    # from a leaked key or another database: do not vouch for it.
    if member is None or card is None or card.member_id != member.id:
        return Verification(NOT_GENUINE, "unknown_card")
    masked = mask_nik(member.nik)
    if card.revoked_at is not None:
        return Verification(REVOKED, claims=claims, nik_masked=masked)
    if claims.is_expired(today):
        return Verification(EXPIRED, claims=claims, nik_masked=masked)
    return Verification(VALID, claims=claims, nik_masked=masked)
