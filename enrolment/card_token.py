"""Membership-card tokens: compact, versioned, Ed25519-signed, never holding a NIK.

Form: `1.<kid>.<payload>.<signature>`, payload and signature base64url without
padding. The payload is `|`-separated text rather than JSON so the token, inside
an https link, fits a small QR code (version <= 10 at error correction M).
Signing happens only on the server; verification here needs only public keys,
so the tablet can check a card offline with the keys cached at its last sync.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from enrolment.segments import CARD_LETTERS, LETTER_SEGMENTS

TOKEN_VERSION = "1"

# One letter a segment on the card, from each segment's spec (enrolment/segments.py).
_SEGMENT_LETTERS = CARD_LETTERS
_LETTER_SEGMENTS = LETTER_SEGMENTS


class CardTokenError(ValueError):
    """Why a token is not a valid card: `malformed`, `unknown_key`, `bad_signature`."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class CardClaims:
    """What a card token states about its holder."""

    serial: int
    member_no: str
    name: str
    segment: str
    village_code: str  # dotted, e.g. 52.03.07.2001
    issued: date
    expires: date

    def is_expired(self, today: date) -> bool:
        """True once the validity date has passed."""
        return today > self.expires


def b64e(data: bytes) -> str:
    """base64url without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    """Inverse of b64e; raises CardTokenError on bad input."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise CardTokenError("malformed") from exc
    # Only the canonical spelling is accepted, so one card has exactly one token.
    if b64e(raw) != text:
        raise CardTokenError("malformed")
    return raw


def encode_claims(claims: CardClaims) -> bytes:
    """The payload bytes for `claims` (the name loses any `|`); ValueError for a segment
    without a card letter (every spec has one: tests/unit/test_segment_schema.py)."""
    letter = _SEGMENT_LETTERS.get(claims.segment)
    if letter is None:
        raise ValueError(f"no card letter for segment {claims.segment!r}")
    fields = [
        format(claims.serial, "x"),
        claims.member_no,
        claims.name.replace("|", " "),
        letter,
        claims.village_code.replace(".", ""),
        claims.issued.strftime("%Y%m%d"),
        claims.expires.strftime("%Y%m%d"),
    ]
    return "|".join(fields).encode("utf-8")


def _decode_claims(payload: bytes) -> CardClaims:
    try:
        serial, member_no, name, seg, village, issued, expires = payload.decode("utf-8").split("|")
        v = village
        return CardClaims(
            serial=int(serial, 16),
            member_no=member_no,
            name=name,
            segment=_LETTER_SEGMENTS[seg],
            village_code=f"{v[:2]}.{v[2:4]}.{v[4:6]}.{v[6:]}",
            issued=date(int(issued[:4]), int(issued[4:6]), int(issued[6:])),
            expires=date(int(expires[:4]), int(expires[4:6]), int(expires[6:])),
        )
    except (ValueError, KeyError, UnicodeDecodeError) as exc:
        raise CardTokenError("malformed") from exc


def signing_input(kid: str, payload: bytes) -> bytes:
    """The bytes a signature covers: version, key id and encoded payload."""
    return f"{TOKEN_VERSION}.{kid}.{b64e(payload)}".encode("ascii")


def assemble(kid: str, payload: bytes, signature: bytes) -> str:
    """Join the signed parts into a token string."""
    return f"{signing_input(kid, payload).decode('ascii')}.{b64e(signature)}"


def peek_kid(token: str) -> str:
    """The key id a token claims, without verifying anything."""
    parts = token.split(".")
    if len(parts) != 4 or parts[0] != TOKEN_VERSION:
        raise CardTokenError("malformed")
    return parts[1]


@dataclass(frozen=True)
class TokenParts:
    """A token taken apart without checking its signature."""

    kid: str
    claims: CardClaims
    signature: str  # base64url, as in the token


def split_token(token: str) -> TokenParts:
    """Parse a token's parts (no signature check: use `verify` for that)."""
    kid = peek_kid(token)
    _, _, payload_b64, sig_b64 = token.strip().split(".")
    return TokenParts(kid, _decode_claims(b64d(payload_b64)), sig_b64)


def verify(token: str, public_keys: Mapping[str, bytes]) -> CardClaims:
    """Check a token's signature against raw Ed25519 public keys by key id.

    Returns the claims; expiry and revocation are the caller's to judge.
    """
    token = token.strip()
    kid = peek_kid(token)
    _, _, payload_b64, sig_b64 = token.split(".")
    raw_key = public_keys.get(kid)
    if raw_key is None:
        raise CardTokenError("unknown_key")
    payload, signature = b64d(payload_b64), b64d(sig_b64)
    try:
        Ed25519PublicKey.from_public_bytes(raw_key).verify(signature, signing_input(kid, payload))
    except (InvalidSignature, ValueError) as exc:
        raise CardTokenError("bad_signature") from exc
    return _decode_claims(payload)


def token_from_text(text: str) -> str:
    """The token inside scanned QR text: a verification link or the bare token."""
    text = text.strip()
    if "/v/" in text:
        text = text.rsplit("/v/", 1)[1]
    return text.split("?", 1)[0].split("#", 1)[0]
