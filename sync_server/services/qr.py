"""QR codes of cards: the text a card's QR holds, and the code's module matrix.

Encoding uses zxing-cpp (C++): ~1 ms a code where the pure-Python `qrcode` package
needs ~20 ms, which decides whether a 1,000-card batch prints in seconds or half a
minute. Error correction is M (15 % of the code may be damaged or dirty).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit


@dataclass(frozen=True)
class QrMatrix:
    """A QR symbol without its quiet zone: `size` x `size` modules, row-major, 1 = dark."""

    size: int
    modules: bytes

    @property
    def version(self) -> int:
        """The QR version (1-40): 21 modules for version 1, 4 more per version."""
        return (self.size - 17) // 4


def qr_text(url: str) -> str:
    """The text to encode for `url`: scheme and host in capitals.

    Both are case-insensitive (RFC 3986), and in capitals they fit the QR
    alphanumeric mode (5.5 bits a character instead of 8), which keeps a card link
    with a typical name at version 10 instead of 11. The path keeps its case: the
    token is case-sensitive.
    """
    parts = urlsplit(url)
    return urlunsplit(
        (parts.scheme.upper(), parts.netloc.upper(), parts.path, parts.query, parts.fragment)
    )


def qr_matrix(text: str) -> QrMatrix:
    """Encode `text` at error correction M (the smallest version that holds it)."""
    import zxingcpp  # here: a server start or CLI call that draws no card skips loading it

    code = zxingcpp.create_barcode(text, zxingcpp.BarcodeFormat.QRCode, ec_level="M")
    image = code.to_image(scale=1, add_quiet_zones=False)
    size = image.shape[0]
    # The image is 8-bit grey, 0 for dark: turn it into 1 = dark.
    pixels = memoryview(image).tobytes()
    return QrMatrix(size, pixels.translate(_TO_BITS))


_TO_BITS = bytes(1 if i < 128 else 0 for i in range(256))
