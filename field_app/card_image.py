"""The member card's QR code, drawn on the tablet so the card opens offline."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def verification_url(server_url: str, token: str) -> str:
    """The link a phone camera opens: the server's public verification page."""
    return f"{server_url.rstrip('/')}/v/{token}"


def qr_png(text: str, box_size: int = 8) -> bytes:
    """A PNG of `text` as a QR code at error correction M, with the standard quiet zone."""
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()
