"""The member card's QR code, drawn on the tablet so the card opens offline.

Drawn with qrcode's pure-Python PyPNG writer: a few kB of PNG, quick on a slow tablet
(Pillow, on the tablet for reading QR codes, is not needed to write one).
"""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M
from qrcode.image.pure import PyPNGImage


def verification_url(server_url: str, token: str) -> str:
    """The link a phone camera opens: the server's public verification page."""
    return f"{server_url.rstrip('/')}/v/{token}"


def qr_png(text: str, box_size: int = 8) -> bytes:
    """A PNG of `text` as a QR code at error correction M, with the standard quiet zone:
    1-bit greyscale, black modules on white."""
    qr = qrcode.QRCode(
        error_correction=ERROR_CORRECT_M,
        box_size=box_size,
        border=4,
        image_factory=PyPNGImage,
    )
    qr.add_data(text)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf)
    return buf.getvalue()
