"""What a scanned card token proves: genuine or not, still valid or not, and why."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from enrolment.areas import village_label
from enrolment.card_token import CardClaims, CardTokenError, verify
from enrolment.nik import mask_nik
from enrolment.records import same_name
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

# Every verdict carries a reason code (stable, for machines) and its text (for people).
REASON_TEXT: dict[str, tuple[str, str]] = {
    # valid
    "active": (
        "Tanda tangan digital cocok, kartu aktif dan masih berlaku.",
        "The digital signature matches; the card is active and in date.",
    ),
    # expired
    "expired": (
        "Tanda tangan digital cocok, tetapi masa berlaku kartu sudah lewat.",
        "The digital signature matches, but the card's validity has ended.",
    ),
    # revoked (the reason recorded when it was revoked)
    "lost": ("Kartu dilaporkan hilang.", "The card was reported lost."),
    "stolen": ("Kartu dilaporkan dicuri.", "The card was reported stolen."),
    "data_error": (
        "Data pada kartu salah; kartu ditarik.",
        "The data on the card was wrong; the card was withdrawn.",
    ),
    "reissued": (
        "Kartu baru telah diterbitkan untuk peserta ini; kartu ini tidak berlaku lagi.",
        "A newer card was issued to this member; this one no longer counts.",
    ),
    # not genuine
    "malformed": (
        "Kode pada kartu rusak, tidak lengkap, atau bukan kode kartu peserta.",
        "The code is damaged, incomplete, or not a membership-card code.",
    ),
    "bad_signature": (
        "Tanda tangan digital tidak cocok: data kartu telah diubah.",
        "The digital signature does not match: the card's data was altered.",
    ),
    "unknown_key": (
        "Kartu ditandatangani dengan kunci yang tidak dikenal program ini.",
        "The card was signed with a key this programme does not know.",
    ),
    "unknown_card": (
        "Kartu tidak ada dalam data program ini.",
        "The card is not in this programme's records.",
    ),
}


_REVOKED_OTHER = ("Kartu telah dicabut oleh petugas.", "The card was revoked by the office.")
_UNKNOWN = ("Kartu tidak dapat diperiksa.", "The card could not be checked.")


@dataclass(frozen=True)
class Verification:
    """The verdict on a token, with what may be shown publicly about the holder."""

    status: str
    reason: str  # a key of REASON_TEXT
    claims: CardClaims | None = None
    nik_masked: str = ""
    revoked_on: date | None = None

    @property
    def headline(self) -> tuple[str, str]:
        """The status in Bahasa Indonesia and English."""
        return STATUS_TEXT[self.status]

    @property
    def explanation(self) -> tuple[str, str]:
        """Why, in Bahasa Indonesia and English."""
        # A reason recorded by some other path (e.g. the desk) still gets a sentence.
        return REASON_TEXT.get(self.reason, _REVOKED_OTHER if self.status == REVOKED else _UNKNOWN)

    def to_json(self) -> dict:
        """The verdict as served at /api/v1/verify/{token}. Never the full NIK."""
        out: dict = {
            "status": self.status,
            "reason": self.reason,
            "message": {"id": self.explanation[0], "en": self.explanation[1]},
        }
        if self.revoked_on is not None:
            out["revoked_on"] = self.revoked_on.isoformat()
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
