"""Checking a card offline: genuine, forged, unknown key, expired, revoked."""

from __future__ import annotations

from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from enrolment import card_token
from enrolment.card_check import Verdict, check_card

KEY = Ed25519PrivateKey.generate()
KEYS = {"k1": KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)}
TODAY = date(2026, 11, 25)


def token(serial: int = 7, expires: date = date(2031, 11, 25)) -> str:
    claims = card_token.CardClaims(
        serial, "LT0000007", "Siti Aminah", "umkm_owner", "52.03.07.1001", TODAY, expires
    )
    payload = card_token.encode_claims(claims)
    return card_token.assemble("k1", payload, KEY.sign(card_token.signing_input("k1", payload)))


def never(_serial: int) -> bool:
    return False


def test_genuine_card_from_a_link_is_valid_with_its_claims():
    check = check_card(f"https://x.example/v/{token()}?utm=1", KEYS, never, TODAY)
    assert check.verdict == Verdict.VALID
    assert check.claims and check.claims.member_no == "LT0000007"


def test_forged_garbled_and_unknown_key_cards():
    good = token()
    forged = good.replace("Siti", "Sit1") if "Siti" in good else good[:-3] + "AAA"
    assert check_card(forged, KEYS, never, TODAY).verdict == Verdict.NOT_GENUINE
    assert check_card("hello", KEYS, never, TODAY).verdict == Verdict.NOT_GENUINE
    assert check_card(good, {}, never, TODAY).verdict == Verdict.UNKNOWN_KEY


def test_expired_and_revoked_cards():
    old = token(expires=date(2026, 1, 1))
    assert check_card(old, KEYS, never, TODAY).verdict == Verdict.EXPIRED
    # Revocation outranks expiry.
    assert check_card(old, KEYS, lambda s: s == 7, TODAY).verdict == Verdict.REVOKED
