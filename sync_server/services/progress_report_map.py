"""The progress report's map: Lombok Timur by kecamatan as vector polygons (the paths
of coverage_map.outline), in the coverage page's bands and colours, with its legend.
The bands run light to dark (ColorBrewer YlGnBu, as desk.css), so they stay in order
printed grey; "no member yet" is hatched, as on the desk."""

from __future__ import annotations

import re

from reportlab.lib.colors import HexColor, black, white

from enrolment.messages import text
from sync_server.desk_format import format_number
from sync_server.services.coverage import Bar
from sync_server.services.coverage_map import BANDS, CoverageMap
from sync_server.services.progress_report_page import BOLD, INK, Page

#: The bands' fills, as desk.css has them; b0 is white under its hatching.
FILLS = {
    "b0": "#ffffff",
    "b1": "#ffffcc",
    "b2": "#a1dab4",
    "b3": "#41b6c4",
    "b4": "#2c7fb8",
    "b5": "#253494",
}
DARK = frozenset({"b4", "b5"})  # white figures on these
HATCH = HexColor("#7b8794")
_RING = re.compile(r"M([^l]+)l([^Z]*)Z")


def rings(d: str) -> list[list[tuple[float, float]]]:
    """The absolute points of each ring of coverage_map's path data (`M x y l dx dy … Z`)."""
    rings = []
    for start, steps in _RING.findall(d):
        x, y = (float(v) for v in start.split())
        points = [(x, y)]
        values = [float(v) for v in steps.split()]
        for dx, dy in zip(values[::2], values[1::2], strict=True):
            x, y = x + dx, y + dy
            points.append((x, y))
        rings.append(points)
    return rings


def _hatch(p: Page, path: object, box: tuple[float, float, float, float]) -> None:
    """Diagonal lines across `box`, clipped to `path` (the map's "no member yet")."""
    x0, y0, x1, y1 = box
    p.c.saveState()
    p.c.clipPath(path, stroke=0, fill=0)
    p.c.setStrokeColor(HATCH)
    p.c.setLineWidth(0.6)
    step = 3.5
    k = x0 - (y1 - y0)
    while k < x1:
        p.c.line(k, y0, k + (y1 - y0), y1)
        k += step
    p.c.restoreState()


def draw_map(p: Page, m: CoverageMap, x: float, top: float, height: float) -> float:
    """The kecamatan map, `height` tall with its top-left corner at (x, top); returns its width."""
    scale = height / m.height
    c = p.c
    c.setLineWidth(0.5)
    for area in m.areas:
        path = c.beginPath()
        xs, ys = [], []
        for ring in rings(area.shape.d):
            pts = [(x + px * scale, top - py * scale) for px, py in ring]
            path.moveTo(*pts[0])
            for pt in pts[1:]:
                path.lineTo(*pt)
            path.close()
            xs += [pt[0] for pt in pts]
            ys += [pt[1] for pt in pts]
        c.setFillColor(HexColor(FILLS[area.band.css]))
        c.setStrokeColor(INK)
        c.drawPath(path, stroke=0, fill=1)
        if area.band.css == "b0":
            _hatch(p, path, (min(xs), min(ys), max(xs), max(ys)))
        c.setStrokeColor(INK)
        c.drawPath(path, stroke=1, fill=0)
    for area in m.areas:
        if area.bar.count:
            _map_label(
                p, area.bar, area.band.css, x + area.shape.x * scale, top - area.shape.y * scale
            )
    return m.width * scale


def _map_label(p: Page, bar: Bar, band: str, x: float, y: float) -> None:
    """A whole percent on the map, in white on the dark bands (as the desk's map)."""
    percent = bar.percent or 0.0
    label = "< 1 %" if percent < 0.5 else f"{format_number(percent)} %"
    p.c.setFillColor(white if band in DARK else black)
    p.c.setFont(BOLD, 7.5)
    p.c.drawCentredString(x, y - 2.5, label)
    p.c.setFillColor(INK)


def legend(p: Page, x: float, y: float) -> float:
    """The bands' swatches and labels, one a line, from (x, y) down; returns the last y."""
    for band in BANDS:
        path = p.c.beginPath()
        path.rect(x, y - 2, 16, 9)
        p.c.setFillColor(HexColor(FILLS[band.css]))
        p.c.drawPath(path, stroke=0, fill=1)
        if band.css == "b0":
            _hatch(p, path, (x, y - 2, x + 16, y + 7))
        p.c.setStrokeColor(INK)
        p.c.drawPath(path, stroke=1, fill=0)
        p.c.setFillColor(INK)
        p.text(x + 21, y, text(band.message), 8)
        y -= 12
    return y
