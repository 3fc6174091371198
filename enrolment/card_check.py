"""Judging a scanned card offline: genuine, expired, revoked or not genuine.

Pure: the caller passes the public keys and revocations it cached at its last
sync, so a tablet (or any device) can check a card with no connection.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from enrolment import card_token
from enrolment.card_token import CardClaims, CardTokenError


class Verdict:
    """Outcomes of a card check (stable codes; texts live with the UI)."""

    VALID = "valid"
    NOT_GENUINE = "not_genuine"  # malformed, or the signature does not match
    UNKNOWN_KEY = "unknown_key"  # signed with a key this device has not seen: sync first
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class CardCheck:
    """The verdict, with the card's claims when its signature is good."""

    verdict: str
    claims: CardClaims | None = None


def check_card(
    text: str,
    public_keys: Mapping[str, bytes],
    is_revoked: Callable[[int], bool],
    today: date,
) -> CardCheck:
    """Check the QR text of a card (a verification link or a bare token).

    Revocation outranks expiry: a revoked card must never read as merely old.
    """
    token = card_token.token_from_text(text)
    try:
        claims = card_token.verify(token, public_keys)
    except CardTokenError as exc:
        verdict = Verdict.UNKNOWN_KEY if exc.reason == "unknown_key" else Verdict.NOT_GENUINE
        return CardCheck(verdict)
    if is_revoked(claims.serial):
        return CardCheck(Verdict.REVOKED, claims)
    if claims.is_expired(today):
        return CardCheck(Verdict.EXPIRED, claims)
    return CardCheck(Verdict.VALID, claims)


def is_revoked_card(token: str, is_revoked: Callable[[int], bool]) -> bool:
    """True if the tablet has learnt (at a pull) that this card's serial was revoked."""
    try:
        return is_revoked(card_token.split_token(token).claims.serial)
    except (CardTokenError, ValueError):
        return False
