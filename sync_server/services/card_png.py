"""The card as a PNG image (300 dpi), drawn with pillow from the shared layout."""

from __future__ import annotations

import io
from functools import cache
from typing import TYPE_CHECKING

from enrolment.card_token import CardClaims
from sync_server.services.card_layout import (
    CARD_H,
    CARD_W,
    Box,
    Code,
    Text,
    font_path,
    layout_card,
)
from sync_server.services.qr import qr_matrix, qr_text

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

DPI = 300
PX_PER_MM = DPI / 25.4
CARD_SIZE = (round(CARD_W * PX_PER_MM), round(CARD_H * PX_PER_MM))  # (1011, 638)


@cache
def _font(px: float, bold: bool) -> FreeTypeFont:
    from PIL import ImageFont

    return ImageFont.truetype(str(font_path(bold)), px)


def _px(mm: float) -> int:
    return round(mm * PX_PER_MM)


def render_card_png(claims: CardClaims, url: str) -> bytes:
    """The card as a PNG: programme, holder, number, segment, village, validity, QR to `url`."""
    # Imported here: pillow costs a server start tens of ms, and only this route draws.
    from PIL import Image, ImageDraw

    img = Image.new("RGB", CARD_SIZE, "white")
    draw = ImageDraw.Draw(img)
    for item in layout_card(claims, qr_matrix(qr_text(url))):
        if isinstance(item, Box):
            draw.rectangle(
                (_px(item.x), _px(item.y), _px(item.x + item.w) - 1, _px(item.y + item.h) - 1),
                fill=item.colour,
            )
        elif isinstance(item, Text):
            # The exact size, not rounded to whole pixels: 7 pt stays 7 pt, not 6.96.
            font = _font(item.size * DPI / 72, item.bold)
            xy = (_px(item.x), _px(item.y))
            draw.text(xy, item.text, fill=item.colour, font=font, anchor="ls")  # at the baseline
        elif isinstance(item, Code):
            n = item.matrix.size
            # Whole pixels per module, no resampling: sharp edges for phone cameras.
            scale = max(1, _px(item.side) // n)
            code = Image.frombytes("L", (n, n), item.matrix.modules.translate(_TO_GREY))
            code = code.resize((n * scale, n * scale), Image.Resampling.NEAREST)
            offset = (_px(item.side) - n * scale) // 2
            img.paste(code, (_px(item.x) + offset, _px(item.y) + offset))
    out = io.BytesIO()
    img.save(out, format="PNG", optimize=True)
    return out.getvalue()


_TO_GREY = bytes([255, 0]) + bytes(254)  # module 0 (light) -> white, 1 (dark) -> black
