"""QR codes for the desk as inline SVG (no image files, no JavaScript)."""

from __future__ import annotations

import re

import qrcode
import qrcode.image.svg


def qr_svg(data: str, size_px: int = 240) -> str:
    """An SVG QR code of `data`, `size_px` square, safe to inline (no user markup in it)."""
    img = qrcode.make(
        data,
        image_factory=qrcode.image.svg.SvgPathImage,
        error_correction=qrcode.constants.ERROR_CORRECT_M,
    )
    svg = img.to_string(encoding="unicode")
    # The factory sizes in millimetres; the page wants pixels and a label for readers.
    svg = re.sub(
        r'width="[^"]+" height="[^"]+"', f'width="{size_px}" height="{size_px}"', svg, count=1
    )
    return svg.replace("<svg ", '<svg role="img" aria-label="QR kode pemasangan" ', 1)
