"""Cards as vector PDF (reportlab): one card on an ID-1 page, or drawn onto any page.

The QR code is a 1-bit image mask (sharp at any printer resolution, see
`_code_ops`); the fonts are the shipped DejaVu files, embedded as subsets.
"""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING

from reportlab.lib.units import mm

from enrolment.card_token import CardClaims
from sync_server.services.card_layout import (
    CARD_H,
    CARD_W,
    Box,
    Code,
    Item,
    Text,
    font_path,
    layout_card,
)
from sync_server.services.qr import QrMatrix, qr_matrix, qr_text

if TYPE_CHECKING:
    from reportlab.pdfgen.canvas import Canvas

_FONT_NAMES = {False: "DejaVuSans", True: "DejaVuSans-Bold"}


@cache
def register_fonts() -> None:
    """Make the shipped fonts known to reportlab (once per process)."""
    # Imported here, as Canvas in new_canvas: reportlab's drawing half (and pillow
    # behind it) costs a server start ~0.1 s, and only card and report PDFs use it.
    from reportlab import rl_config
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    # Flate only, no ASCII85 on top: the PDF is a download, not mail, and reportlab's
    # pure-Python ASCII85 encoder took a quarter of a batch's time.
    rl_config.useA85 = 0
    for bold, name in _FONT_NAMES.items():
        pdfmetrics.registerFont(TTFont(name, str(font_path(bold))))


def _rgb(colour: tuple[int, int, int]) -> str:
    return " ".join(f"{c / 255:.3f}" for c in colour)


def _code_ops(matrix: QrMatrix, x: float, top: float, side: float) -> str:
    """PDF operators painting `matrix` as a 1-bit image mask; (x, top) in points.

    An image mask is a stencil filled with the current colour: printers and viewers
    scale it without smoothing, so every module keeps a hard edge at any resolution,
    and it costs ~450 bytes and a few microseconds a card where one rectangle per
    dark run costs ~10 kB and 2 ms (a third of a 1,000-card batch).
    """
    n = matrix.size
    row_bytes = (n + 7) // 8
    packed = bytearray()
    for row in range(n):
        bits = matrix.modules[row * n : (row + 1) * n]
        # Pack 8 modules a byte, most significant first, as PDF images are stored.
        value = int(bits.translate(_BIT_CHARS), 2) << (row_bytes * 8 - n)
        packed += value.to_bytes(row_bytes, "big")
    return (
        f"q 0 0 0 rg {side:.3f} 0 0 {side:.3f} {x:.3f} {top - side:.3f} cm"
        f" BI /W {n} /H {n} /IM true /BPC 1 /D [1 0] /F /AHx ID {packed.hex()}> EI Q"
    )


_BIT_CHARS = bytes.maketrans(b"\x00\x01", b"01")


def draw_card(canvas: Canvas, items: list[Item], x: float, y: float) -> None:
    """Draw a laid-out card with its bottom-left corner at (x, y) points."""
    top = y + CARD_H * mm
    for item in items:
        if isinstance(item, Text):
            canvas.setFillColorRGB(*(c / 255 for c in item.colour))
            canvas.setFont(_FONT_NAMES[item.bold], item.size)
            canvas.drawString(x + item.x * mm, top - item.y * mm, item.text)
        elif isinstance(item, Box):
            canvas.addLiteral(
                f"q {_rgb(item.colour)} rg {x + item.x * mm:.3f} {top - (item.y + item.h) * mm:.3f}"
                f" {item.w * mm:.3f} {item.h * mm:.3f} re f Q"
            )
        elif isinstance(item, Code):
            canvas.addLiteral(
                _code_ops(item.matrix, x + item.x * mm, top - item.y * mm, item.side * mm)
            )


def new_canvas(out: io.BytesIO, pagesize: tuple[float, float], title: str) -> Canvas:
    """A canvas with the card fonts registered and page compression on."""
    from reportlab.pdfgen.canvas import Canvas

    register_fonts()
    canvas = Canvas(out, pagesize=pagesize, pageCompression=1, invariant=1)
    canvas.setTitle(title)
    canvas.setAuthor("Disnakertrans Kabupaten Lombok Timur")
    return canvas


def render_card_pdf(claims: CardClaims, url: str) -> bytes:
    """One card on a page of its own size (85.6 x 54 mm), QR linking to `url`."""
    out = io.BytesIO()
    canvas = new_canvas(out, (CARD_W * mm, CARD_H * mm), f"Kartu {claims.member_no}")
    draw_card(canvas, layout_card(claims, qr_matrix(qr_text(url))), 0, 0)
    canvas.showPage()
    canvas.save()
    return out.getvalue()
