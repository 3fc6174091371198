"""Where everything goes on a membership card, independent of the output format.

One layout, two renderers: `card_png` (pillow, 300 dpi) and `card_pdf` (reportlab,
vector), so the screen image and the printed card cannot drift apart. Units are
millimetres from the card's top-left corner; text sizes are points; `y` of a text
is its baseline. The card is ID-1 (85.6 x 54 mm), the size of a bank card.

Print rules (issue 13), checked by `layout_problems`: no text below `MIN_TEXT_PT`
(long values wrap onto two lines, an ellipsis only as a last resort); every text at
least `CUT_TOLERANCE` inside the cut line; the QR code's quiet zone (`QUIET_MODULES`)
inside the cut line by `CUT_TOLERANCE` and clear of everything else; no two items
overlapping, a text on a box lying wholly on it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from enrolment.areas import ASSETS_DIR, village_label
from enrolment.card_token import CardClaims
from enrolment.messages import slashed, texts
from enrolment.segments import segment_name
from sync_server.services.qr import QrMatrix

if TYPE_CHECKING:
    from PIL.ImageFont import FreeTypeFont

CARD_W, CARD_H = 85.6, 54.0  # ID-1, mm
PROGRAMME = "BPJS Ketenagakerjaan · Lombok Timur"
# Shipped with the code (licence beside them), so every machine draws the same card.
FONT_DIR = ASSETS_DIR / "fonts"
FONT_REGULAR = FONT_DIR / "DejaVuSans.ttf"
FONT_BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

GREEN = (0, 112, 60)
BLACK = (0, 0, 0)
GREY = (85, 85, 85)
WHITE = (255, 255, 255)
RGB = tuple[int, int, int]

PT = 25.4 / 72  # mm a point
MIN_TEXT_PT = 7.0  # nothing printed smaller: the card is read by people in the sun
CUT_TOLERANCE = 1.5  # mm: the cut may wander this far in without touching text or quiet zone
# The QR code: ISO/IEC 18004 wants a light quiet zone 4 modules wide around it. The
# code and that zone fill the square QR_ZONE; a module is QR_ZONE / (size + 8), so
# whatever version a link needs, the quiet zone stays inside the zone. 36.5 mm keeps
# modules >= MIN_MODULE (what a phone reads from a hand's length) up to version
# QR_MAX_VERSION: 0.56 mm at version 10 (typical names), 0.53 at 11 (long names),
# 0.50 at 12 (names up to ~67 characters behind a long host name). Only longer names,
# which the card cannot print whole anyway, need version 13+ (0.39 mm at version 17,
# the field's 200-character limit).
QUIET_MODULES = 4
MIN_MODULE = 0.5
QR_ZONE = 36.5
QR_MAX_VERSION = 12
_HEADER_H = 9.0
QR_ZONE_X = CARD_W - CUT_TOLERANCE - QR_ZONE
QR_ZONE_Y = _HEADER_H + 0.5
_MARGIN = 4.0
_TEXT_W = QR_ZONE_X - 1.0 - _MARGIN  # the text column, left of the QR zone
_TEXT_BOTTOM = CARD_H - CUT_TOLERANCE


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

    @property
    def module(self) -> float:
        """One module's side, mm."""
        return self.side / self.matrix.size

    def quiet_zone(self) -> Rect:
        """The code with its quiet zone, (x0, y0, x1, y1) mm."""
        q = QUIET_MODULES * self.module
        return (self.x - q, self.y - q, self.x + self.side + q, self.y + self.side + q)


Item = Box | Text | Code
Rect = tuple[float, float, float, float]  # x0, y0, x1, y1 in mm


@cache
def _measuring_font(bold: bool) -> FreeTypeFont:
    # Imported here: pillow costs a server start tens of ms; only laying out a card needs it.
    from PIL import ImageFont

    # Measured at 1000 px and scaled: advance widths are linear in the size.
    return ImageFont.truetype(str(FONT_BOLD if bold else FONT_REGULAR), 1000)


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width in mm of `text` set at `size` points."""
    return _em_width(text, bold) * size * PT


@lru_cache(maxsize=4096)
def _em_width(text: str, bold: bool) -> float:
    # ~80 us a measure; labels, segments, villages and dates repeat card after card.
    return _measuring_font(bold).getlength(text) / 1000


def line_box(size: float, bold: bool = False) -> tuple[float, float]:
    """(ascent, descent) in mm of a line at `size` points: the font's own line box,
    room for accents and descenders whatever the text."""
    ascent, descent = _measuring_font(bold).getmetrics()
    return ascent / 1000 * size * PT, descent / 1000 * size * PT


def text_box(item: Text) -> Rect:
    """Where `item` may put ink: its advance width by its line box."""
    ascent, descent = line_box(item.size, item.bold)
    width = text_width(item.text, item.size, item.bold)
    return (item.x, item.y - ascent, item.x + width, item.y + descent)


def fit_size(text: str, width: float, size: float, smallest: float, bold: bool = False) -> float:
    """The largest size from `size` down to `smallest` (half-point steps) at which
    `text` fits `width` mm; `smallest` if none does."""
    while size > smallest and text_width(text, size, bold) > width:
        size -= 0.5
    return size


def _cut(text: str, size: float, bold: bool, width: float = _TEXT_W) -> str:
    """`text` shortened with an ellipsis until it fits `width` (the last resort)."""
    while len(text) > 1 and text_width(text, size, bold) > width:
        text = text[:-2].rstrip() + "…"
    return text


def _split(text: str, size: float, bold: bool) -> tuple[str, str]:
    """`text` as a first line that fits the column and the rest: after a comma if
    one fits, else after the last word that fits, else (one long word) mid-word."""
    words = text.split(" ")
    heads = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(len(words) - 1, 0, -1)]
    fitting = [(h, r) for h, r in heads if text_width(h, size, bold) <= _TEXT_W]
    for head, rest in fitting:
        if head.endswith(","):
            return head, rest
    if fitting:
        return fitting[0]
    n = len(text)
    while n > 1 and text_width(text[:n], size, bold) > _TEXT_W:
        n -= 1
    return text[:n], text[n:].lstrip()


def _wrap(text: str, size: float, bold: bool, max_lines: int) -> list[str]:
    """`text` broken into at most `max_lines` lines, all but the last fitting the column."""
    lines, rest = [], text
    while len(lines) < max_lines - 1 and text_width(rest, size, bold) > _TEXT_W:
        first, rest = _split(rest, size, bold)
        lines.append(first)
    return [*lines, rest] if rest else lines


def _fit_lines(
    text: str, one: tuple[float, float], two: tuple[float, float], bold: bool, max_lines: int = 2
) -> tuple[float, list[str]]:
    """(size, lines): one line from size one[0] down to one[1], else two lines from
    two[0] down to two[1], else up to `max_lines` at two[1], the last cut if it must be."""
    size = fit_size(text, _TEXT_W, *one, bold)
    if text_width(text, size, bold) <= _TEXT_W:
        return size, [text]
    size = two[0]
    while size > two[1]:
        lines = _wrap(text, size, bold, 2)
        if text_width(lines[-1], size, bold) <= _TEXT_W:
            return size, lines
        size -= 0.5
    lines = _wrap(text, size, bold, max_lines)
    return size, [*lines[:-1], _cut(lines[-1], size, bold)]


@dataclass(frozen=True)
class _Line:
    text: str
    size: float
    bold: bool = False
    colour: RGB = BLACK
    gap: float = 0.0  # mm above the line box
    stretch: bool = False  # the gap takes a share of the column's spare height


def _stack(lines: list[_Line], x: float, top: float, bottom: float) -> Iterator[Text]:
    """`lines` one under the other from `top`, line box on line box; the height left
    above `bottom` widens the stretchable gaps (at most 1.5 mm each)."""
    boxes = [line_box(line.size, line.bold) for line in lines]
    height = sum(a + d + line.gap for (a, d), line in zip(boxes, lines, strict=True))
    stretches = sum(line.stretch for line in lines) or 1
    extra = min(max(0.0, bottom - top - height) / stretches, 1.5)
    y = top
    for (ascent, descent), line in zip(boxes, lines, strict=True):
        y += line.gap + (extra if line.stretch else 0.0) + ascent
        yield Text(x, y, line.text, line.size, line.bold, line.colour)
        y += descent


def _column(claims: CardClaims) -> list[_Line]:
    """The text column: the holder's name, then a label over each value."""
    size, names = _fit_lines(claims.name, (10.5, 8.0), (8.5, MIN_TEXT_PT), True, max_lines=3)
    lines = [_Line(name, size, bold=True, gap=0.2 * (i > 0)) for i, name in enumerate(names)]
    rows = [
        (slashed("card_print_member_no"), claims.member_no),
        (slashed("card_print_segment"), segment_name(claims.segment)),
        (slashed("card_print_village"), village_label(claims.village_code)),
        (slashed("card_print_valid"), f"{claims.issued:%d-%m-%Y} s.d. {claims.expires:%d-%m-%Y}"),
    ]
    for i, (label, value) in enumerate(rows):
        lines.append(
            _Line(label, MIN_TEXT_PT, colour=GREY, gap=1.0 if i == 0 else 0.8, stretch=True)
        )
        size, values = _fit_lines(value, (8.0, 7.5), (8.0, MIN_TEXT_PT), bold=False)
        lines += [_Line(v, size, gap=0.3 if j == 0 else 0.2) for j, v in enumerate(values)]
    return lines


def _code(matrix: QrMatrix) -> Code:
    """The code centred in the QR zone, its quiet zone filling the rest."""
    module = QR_ZONE / (matrix.size + 2 * QUIET_MODULES)
    q = QUIET_MODULES * module
    return Code(QR_ZONE_X + q, QR_ZONE_Y + q, module * matrix.size, matrix)


def _scan_hint() -> list[Text]:
    """How to check the card, Indonesian over English, centred under the QR zone."""
    centre, top = QR_ZONE_X + QR_ZONE / 2, QR_ZONE_Y + QR_ZONE + 0.4
    lines = [
        _Line(t, MIN_TEXT_PT, colour=GREY, gap=0.2 * i)
        for i, t in enumerate(texts("card_print_scan"))
    ]
    return [
        Text(centre - text_width(t.text, t.size) / 2, t.y, t.text, t.size, colour=GREY)
        for t in _stack(lines, 0.0, top, top)
    ]


def layout_card(claims: CardClaims, matrix: QrMatrix) -> list[Item]:
    """Everything drawn on the card of `claims`, whose QR is `matrix`."""
    header = [
        _Line(PROGRAMME, 8.0, bold=True, colour=WHITE),
        _Line(slashed("card_print_title"), MIN_TEXT_PT, bold=True, colour=WHITE, gap=0.2),
    ]
    return [
        Box(0, 0, CARD_W, _HEADER_H, GREEN),
        *_stack(header, _MARGIN, CUT_TOLERANCE, CUT_TOLERANCE),
        *_stack(_column(claims), _MARGIN, _HEADER_H + 1.3, _TEXT_BOTTOM),
        _code(matrix),
        *_scan_hint(),
    ]


def font_path(bold: bool) -> Path:
    """The TTF file of the regular or bold face."""
    return FONT_BOLD if bold else FONT_REGULAR


# The checks: tests run them over hard inputs (every village, long names, every version).


_EPS = 1e-6  # mm: rounding, not layout


def _overlap(a: Rect, b: Rect) -> bool:
    return a[0] < b[2] - _EPS and b[0] < a[2] - _EPS and a[1] < b[3] - _EPS and b[1] < a[3] - _EPS


def _inside(inner: Rect, outer: Rect) -> bool:
    return all(o <= i + _EPS for o, i in zip(outer[:2], inner[:2], strict=True)) and all(
        i <= o + _EPS for i, o in zip(inner[2:], outer[2:], strict=True)
    )


_SAFE: Rect = (CUT_TOLERANCE, CUT_TOLERANCE, CARD_W - CUT_TOLERANCE, CARD_H - CUT_TOLERANCE)


def _rect(item: Item) -> Rect:
    if isinstance(item, Text):
        return text_box(item)
    if isinstance(item, Box):
        return (item.x, item.y, item.x + item.w, item.y + item.h)
    return item.quiet_zone()


def _item_problems(item: Item) -> Iterator[str]:
    """What breaks a rule in `item` alone."""
    rect = _rect(item)
    if isinstance(item, Text) and item.size < MIN_TEXT_PT:
        yield f"{item.text!r} at {item.size} pt, below {MIN_TEXT_PT}"
    if isinstance(item, Box) and not _inside(rect, (0, 0, CARD_W, CARD_H)):
        yield f"box {rect} outside the card"
    if not isinstance(item, Box) and not _inside(rect, _SAFE):
        yield f"{_name(item)} {rect} within {CUT_TOLERANCE} mm of the cut"
    if (
        isinstance(item, Code)
        and item.matrix.version <= QR_MAX_VERSION
        and item.module < MIN_MODULE
    ):
        yield f"QR modules of {item.module:.3f} mm, below {MIN_MODULE}"


def _name(item: Item) -> str:
    return repr(item.text) if isinstance(item, Text) else type(item).__name__


def layout_problems(items: list[Item]) -> list[str]:
    """Every way `items` break the print rules (see the module's docstring); [] if none."""
    found = [p for item in items for p in _item_problems(item)]
    for i, a in enumerate(items):
        for b in items[i + 1 :]:
            if isinstance(a, Box) and isinstance(b, Box):
                continue
            ra, rb = _rect(a), _rect(b)
            if not _overlap(ra, rb):
                continue
            text_on_box = isinstance(a, Box) and isinstance(b, Text) and _inside(rb, ra)
            if not text_on_box and not (
                isinstance(b, Box) and isinstance(a, Text) and _inside(ra, rb)
            ):
                found.append(f"{_name(a)} {ra} overlaps {_name(b)} {rb}")
    return found
