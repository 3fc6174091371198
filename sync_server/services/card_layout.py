"""Where everything goes on a membership card, independent of the output format.

One layout, two renderers: `card_png` (pillow, 300 dpi) and `card_pdf` (reportlab,
vector), so the screen image and the printed card cannot drift apart. Units are
millimetres from the card's top-left corner; text sizes are points; `y` of a text
is its baseline. The card is ID-1 (85.6 x 54 mm), the size of a bank card.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from PIL import ImageFont

from enrolment.areas import ASSETS_DIR, village_label
from enrolment.card_token import CardClaims
from enrolment.messages import slashed
from enrolment.segments import segment_name
from sync_server.services.qr import QrMatrix

CARD_W, CARD_H = 85.6, 54.0  # ID-1, mm
PROGRAMME = "BPJS Ketenagakerjaan — Kabupaten Lombok Timur"
# Shipped with the code (licence beside them), so every machine draws the same card.
FONT_DIR = ASSETS_DIR / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

GREEN = (0, 112, 60)
BLACK = (0, 0, 0)
GREY = (85, 85, 85)
WHITE = (255, 255, 255)
RGB = tuple[int, int, int]

_MARGIN = 4.0
_HEADER_H = 9.0
# The code itself (without quiet zone) is 35 mm: 0.6 mm a module at version 10, which a
# phone reads from a hand's length and the 150-dpi proof still resolves. Its quiet
# zone is the card's own white margin (2.5 mm = 4 modules) on the right and the gap
# to the text on the left.
QR_SIDE = 35.0
QR_X = CARD_W - 2.5 - QR_SIDE
QR_Y = _HEADER_H + 2.5
_TEXT_W = QR_X - 2.5 - _MARGIN


@dataclass(frozen=True)
class Box:
    """A filled rectangle."""

    x: float
    y: float
    w: float
    h: float
    colour: RGB


@dataclass(frozen=True)
class Text:
    """One line of text, left-aligned at `x`, baseline at `y`."""

    x: float
    y: float
    text: str
    size: float  # points
    bold: bool = False
    colour: RGB = BLACK


@dataclass(frozen=True)
class Code:
    """The QR code, `side` mm square without its quiet zone."""

    x: float
    y: float
    side: float
    matrix: QrMatrix


Item = Box | Text | Code


@cache
def _measuring_font(bold: bool) -> ImageFont.FreeTypeFont:
    # Measured at 1000 px and scaled: advance widths are linear in the size.
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), 1000)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in mm of `text` set at `size` points."""
    return _measuring_font(bold).getlength(text) / 1000 * size * 25.4 / 72


def fit_size(text: str, width: float, size: float, smallest: float, bold: bool = False) -> float:
    """The largest size from `size` down to `smallest` (half-point steps) at which
    `text` fits `width` mm; `smallest` if none does."""
    while size > smallest and text_width(text, size, bold) > width:
        size -= 0.5
    return size


def _name_lines(name: str) -> list[Text]:
    """The holder's name: one line down to 7 pt, else two lines, cut only if it must be."""
    x, y = _MARGIN, 20.0
    size = fit_size(name, _TEXT_W, 10.5, 7.0, bold=True)
    if text_width(name, size, True) <= _TEXT_W:
        return [Text(x, y, name, size, bold=True)]
    words, first = name.split(), ""
    for i in range(len(words), 0, -1):  # the longest head of words that fits a line
        head = " ".join(words[:i])
        if text_width(head, 7.0, True) <= _TEXT_W or i == 1:
            first, rest = head, " ".join(words[i:])
            break
    size = min(fit_size(first, _TEXT_W, 7.0, 5.5, True), fit_size(rest, _TEXT_W, 7.0, 5.5, True))
    lines = [_cut(first, size), _cut(rest, size)] if rest else [_cut(first, 7.0)]
    return [Text(x, y - 2.0 + 2.8 * i, line, size, bold=True) for i, line in enumerate(lines)]


def _cut(text: str, size: float) -> str:
    """`text` shortened with an ellipsis until it fits the text column (rarely needed)."""
    while len(text) > 1 and text_width(text, size, True) > _TEXT_W:
        text = text[:-2] + "…"
    return text


def layout_card(claims: CardClaims, matrix: QrMatrix) -> list[Item]:
    """Everything drawn on the card of `claims`, whose QR is `matrix`."""
    items: list[Item] = [
        Box(0, 0, CARD_W, _HEADER_H, GREEN),
        Text(
            _MARGIN,
            6.0,
            PROGRAMME,
            fit_size(PROGRAMME, CARD_W - 2 * _MARGIN, 8.0, 5.0, bold=True),
            bold=True,
            colour=WHITE,
        ),
        Text(_MARGIN, 14.0, slashed("card_print_title"), 6.0, bold=True, colour=GREEN),
        *_name_lines(claims.name),
        Code(QR_X, QR_Y, QR_SIDE, matrix),
    ]
    rows = [
        (slashed("card_print_member_no"), claims.member_no),
        (slashed("card_print_segment"), segment_name(claims.segment)),
        (slashed("card_print_village"), village_label(claims.village_code)),
        (slashed("card_print_valid"), f"{claims.issued:%d-%m-%Y} s.d. {claims.expires:%d-%m-%Y}"),
    ]
    y = 25.0
    for label, value in rows:
        items.append(Text(_MARGIN, y, label, 5.0, colour=GREY))
        items.append(Text(_MARGIN, y + 3.2, value, fit_size(value, _TEXT_W, 7.5, 5.0)))
        y += 6.3
    items.append(
        Text(
            _MARGIN,
            CARD_H - 2.6,
            slashed("card_print_scan"),
            5.0,
            colour=GREY,
        )
    )
    return items


def font_path(bold: bool) -> Path:
    """The TTF file of the regular or bold face."""
    return FONT_BOLD if bold else FONT_REGULAR
