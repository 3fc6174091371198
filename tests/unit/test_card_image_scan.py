"""The tablet reads the cards the server prints: the card PNG the server renders, as
a file and as a photo (smaller, turned, blurred, JPEG), decoded by the tablet's reader
(field_app/qr_image.py) and judged offline by its signature (enrolment/card_check.py)."""

from __future__ import annotations

import io
from datetime import date

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from PIL import Image, ImageFilter

from enrolment import card_token
from enrolment.card_check import CardCheck, Verdict, check_card
from field_app.qr_image import read_qr
from sync_server.services.card_png import render_card_png

KEY = Ed25519PrivateKey.generate()
KEYS = {"k1": KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)}
TODAY = date(2026, 12, 2)
CLAIMS = card_token.CardClaims(
    41, "LT0000041", "Baiq Nurul Hidayati", "tobacco_farmer", "52.03.07.2005", TODAY,
    date(2031, 12, 2),
)  # fmt: skip


def card_png(claims: card_token.CardClaims = CLAIMS, key: Ed25519PrivateKey | None = None) -> bytes:
    payload = card_token.encode_claims(claims)
    signature = (key or KEY).sign(card_token.signing_input("k1", payload))
    token = card_token.assemble("k1", payload, signature)
    return render_card_png(claims, f"https://kartu.lomboktimurkab.go.id/v/{token}")


def photographed(png: bytes, angle: float, width: int, blur: float) -> bytes:
    card = Image.open(io.BytesIO(png)).convert("RGB")
    card = card.resize((width, round(card.height * width / card.width)))
    card = card.rotate(angle, expand=True, fillcolor=(90, 110, 80))
    desk = Image.new("RGB", (card.width + 400, card.height + 300), (90, 110, 80))
    desk.paste(card, (200, 150))
    out = io.BytesIO()
    desk.filter(ImageFilter.GaussianBlur(blur)).save(out, format="JPEG", quality=60)
    return out.getvalue()


def verdict(
    picture: bytes, revoked: frozenset[int] = frozenset(), keys: dict | None = None
) -> CardCheck:
    text = read_qr(picture)
    assert text is not None, "no QR code read"
    check = check_card(text, keys or KEYS, lambda serial: serial in revoked, TODAY)
    return check


def test_the_server_card_png_reads_and_is_genuine() -> None:
    check = verdict(card_png())
    assert check.verdict == Verdict.VALID and check.claims == CLAIMS


def test_photos_of_the_card_read_and_are_genuine() -> None:
    # Several cards: each signature draws another QR pattern, and some patterns read
    # worse than others once blurred and tilted.
    for _card in range(8):
        key = Ed25519PrivateKey.generate()
        keys = {"k1": key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)}
        png = card_png(key=key)
        for angle, width, blur in (
            (0, 1011, 1.0), (12, 700, 1.5), (-25, 900, 2.0), (180, 640, 0.8),
        ):  # fmt: skip
            check = verdict(photographed(png, angle, width, blur), keys=keys)
            assert check.verdict == Verdict.VALID, (angle, width, blur)
            assert check.claims and check.claims.member_no == "LT0000041"


def test_a_revoked_card_reads_as_revoked_and_another_key_as_not_known() -> None:
    assert verdict(photographed(card_png(), 5, 800, 1.0), frozenset({41})).verdict == (
        Verdict.REVOKED
    )
    text = read_qr(card_png())
    assert text is not None
    assert check_card(text, {}, lambda s: False, TODAY).verdict == Verdict.UNKNOWN_KEY
