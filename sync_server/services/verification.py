"""What a scanned card token proves: genuine or not, still valid or not, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from enrolment.areas import village_label
from enrolment.card_token import CardClaims, CardTokenError, verify
from enrolment.messages import has, texts
from enrolment.nik import mask_nik
from enrolment.records import same_name
from enrolment.segments import segment_name
from enrolment.verify_codec import VerifiedCard, VerifyReply
from sync_server.models import Card, Member, utcnow
from sync_server.services.members import parse_member_number
from sync_server.services.signing import public_keys

VALID, EXPIRED, REVOKED, NOT_GENUINE = "valid", "expired", "revoked", "not_genuine"

# Every verdict carries a reason code (stable, for machines) and its text (for people):
# the catalogue's verify_status_<status> and verify_reason_<reason>
# (enrolment/messages/cards.py).


@dataclass(frozen=True)
class Verification:
    """The verdict on a token, with what may be shown publicly about the holder."""

    status: str
    reason: str  # verify_reason_<reason> in the message catalogue
    claims: CardClaims | None = None
    nik_masked: str = ""
    revoked_on: date | None = None

    @property
    def headline(self) -> tuple[str, str]:
        """The status in Bahasa Indonesia and English."""
        return texts(f"verify_status_{self.status}")

    @property
    def explanation(self) -> tuple[str, str]:
        """Why, in Bahasa Indonesia and English."""
        # A reason recorded by some other path (e.g. the desk) still gets a sentence.
        reason = f"verify_reason_{self.reason}"
        if not has(reason):
            reason = (
                "verify_reason_revoked_other" if self.status == REVOKED else "verify_reason_unknown"
            )
        return texts(reason)

    def to_reply(self) -> VerifyReply:
        """The verdict as the verification reply carries it. Never the full NIK."""
        c = self.claims
        card = None
        if c is not None:
            card = VerifiedCard(
                serial=c.serial,
                member_no=c.member_no,
                name=c.name,
                segment=c.segment,
                segment_name=segment_name(c.segment),
                village_code=c.village_code,
                village=village_label(c.village_code),
                nik_masked=self.nik_masked,
                issued=c.issued,
                expires=c.expires,
            )
        message_id, message_en = self.explanation
        return VerifyReply(self.status, self.reason, message_id, message_en, self.revoked_on, card)


def _card_matches(claims: CardClaims, card: Card, member: Member) -> bool:
    """The token describes this very card row: same member, key and dates. After a
    restore, a serial or member number can name another card than the one printed."""
    return (
        card.member_id == member.id
        and card.issued_on == claims.issued
        and card.expires_on == claims.expires
    )


def verify_card_token(*, session: Session, token: str, today: date | None = None) -> Verification:
    """Check a token's signature, then the card it names in the database.

    Order matters: a forgery is "not genuine" whatever it claims; a revoked card
    reads as revoked even when it has also expired, so it can never pass as merely old.
    """
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
    if member is None or card is None or not _card_matches(claims, card, member):
        return Verification(NOT_GENUINE, "unknown_card")
    masked = mask_nik(member.nik)
    if card.revoked_at is not None:
        reason = card.revoke_reason or "revoked"
        # A revoked card keeps the name it was printed with; the member may since have
        # been renamed (a reissue). Only a name that is still the member's gets its NIK.
        masked = masked if same_name(claims.name, member.full_name) else ""
        return Verification(REVOKED, reason, claims, masked, revoked_on=card.revoked_at.date())
    if not same_name(claims.name, member.full_name):
        # An unrevoked card always states its member's current name: this token names
        # someone else (e.g. a card printed before a restore from an older backup).
        return Verification(NOT_GENUINE, "unknown_card")
    if claims.is_expired(today):
        return Verification(EXPIRED, "expired", claims, masked)
    return Verification(VALID, "active", claims, masked)
