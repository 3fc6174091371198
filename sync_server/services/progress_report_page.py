"""The progress report's page: A4, margins, styles (at least 7 pt), wrapped notes and
plain tables, drawn with reportlab (progress_report_pdf.py uses it)."""

from __future__ import annotations

from collections.abc import Sequence

from reportlab.lib.colors import HexColor, white
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

PAGE_W, PAGE_H = A4
MARGIN = 40.0
WIDTH = PAGE_W - 2 * MARGIN
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
SMALLEST = 7.5  # pt: no text is drawn smaller
GRID = HexColor("#c5cbd3")
INK = HexColor("#1f2933")
MUTED = HexColor("#52606d")
BAR = HexColor("#2c7fb8")
TARGET = HexColor("#b54708")


class Page:
    """A canvas with a cursor running down the page, and the report's text styles."""

    def __init__(self, canvas: Canvas, footer: str):
        self.c = canvas
        self.footer = footer
        self.page = 1
        self.y = PAGE_H - MARGIN

    def text(self, x: float, y: float, s: str, size: float = 9, bold: bool = False) -> None:
        self.c.setFont(BOLD if bold else FONT, max(size, SMALLEST))
        self.c.drawString(x, y, s)

    def right(self, x: float, y: float, s: str, size: float = 9, bold: bool = False) -> None:
        self.c.setFont(BOLD if bold else FONT, max(size, SMALLEST))
        self.c.drawRightString(x, y, s)

    def heading(self, s: str) -> None:
        self.y -= 20
        self.c.setFillColor(INK)
        self.text(MARGIN, self.y, s, 12, bold=True)
        self.c.setStrokeColor(GRID)
        self.c.line(MARGIN, self.y - 4, PAGE_W - MARGIN, self.y - 4)
        self.y -= 16

    def note(self, s: str, x: float = MARGIN, width: float = WIDTH, size: float = 8) -> None:
        """Muted text wrapped to `width`, moving the cursor."""
        self.c.setFillColor(MUTED)
        for line in wrap(s, width, size):
            self.text(x, self.y, line, size)
            self.y -= size + 3
        self.c.setFillColor(INK)

    def finish_page(self) -> None:
        self.c.setFillColor(MUTED)
        self.text(MARGIN, MARGIN - 16, self.footer.format(page=self.page), 7.5)
        self.c.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN


def wrap(s: str, width: float, size: float) -> list[str]:
    lines, line = [], ""
    for word in s.split():
        trial = f"{line} {word}".strip()
        if line and stringWidth(trial, FONT, size) > width:
            lines.append(line)
            line = word
        else:
            line = trial
    return [*lines, line] if line else lines


def table(
    p: Page, columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[str]], bold_last: int
) -> None:
    """A table: `columns` are (header, width), the first left-aligned and the rest
    right-aligned; the last `bold_last` rows are totals."""
    size, lead = 8.5, 13.0
    x = MARGIN
    p.c.setFillColor(MUTED)
    draw_row(p, x, columns, [h for h, _ in columns], size, bold=True)
    p.c.setStrokeColor(GRID)
    p.c.line(x, p.y - 4, x + sum(w for _, w in columns), p.y - 4)
    p.c.setFillColor(INK)
    for i, values in enumerate(rows):
        p.y -= lead
        total = i >= len(rows) - bold_last
        if total and i == len(rows) - bold_last:
            p.c.line(x, p.y + lead - 4, x + sum(w for _, w in columns), p.y + lead - 4)
        draw_row(p, x, columns, values, size, bold=total)
    p.y -= lead


def draw_row(
    p: Page,
    x: float,
    columns: Sequence[tuple[str, float]],
    values: Sequence[str],
    size: float,
    *,
    bold: bool,
) -> None:
    """One line of a table at the cursor: the first value left-aligned, the rest right."""
    for i, ((_, w), cell) in enumerate(zip(columns, values, strict=True)):
        if i == 0:
            p.text(x, p.y, cell, size, bold)
        else:
            p.right(x + w, p.y, cell, size, bold)
        x += w


def progress_bar(p: Page, x: float, y: float, w: float, count: int, target: int) -> None:
    """A bar of `count` against `target`: outline = the target, fill = achieved."""
    share = min(1.0, count / target) if target else 0.0
    p.c.setStrokeColor(MUTED)
    p.c.setFillColor(white)
    p.c.rect(x, y, w, 7, stroke=1, fill=1)
    p.c.setFillColor(BAR)
    p.c.rect(x, y, w * share, 7, stroke=0, fill=1)
    p.c.setFillColor(INK)


def row_at(
    p: Page,
    x: float,
    y: float,
    cols: Sequence[tuple[str, float]],
    values: Sequence[str],
    size: float,
    *,
    bold: bool,
) -> None:
    """One line of a table at (x, y), the cursor left where it was."""
    saved, p.y = p.y, y
    draw_row(p, x, cols, values, size, bold=bold)
    p.y = saved
