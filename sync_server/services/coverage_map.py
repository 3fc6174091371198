"""The coverage page's map: Lombok Timur by kecamatan or by desa, coloured by coverage.

Drawn on the server as inline SVG (no JavaScript, prints as it shows). The boundaries are
`assets/geo/` (simplified from cahyadsn/wilayah_boundaries, MIT; see its README). The
projection is plain equirectangular with longitude scaled by cos(latitude) at the
regency's middle: the regency spans 0.7°, where that is as good as any map projection.
The projected paths of each level are computed once per process; only the colours
(bands) change with the figures.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache

from enrolment.areas import ASSETS_DIR
from sync_server.services.coverage import Bar, Coverage

GEO_DIR = ASSETS_DIR / "geo"
LEVELS = ("kecamatan", "desa")
WIDTH = 500.0  # SVG user units across the regency; the height follows from the shape
_PAD = 6.0


@dataclass(frozen=True)
class Band:
    """A coverage band: members as a percentage of the target, from `low` (inclusive)
    up to `high` (exclusive; None = no upper end). `css` is the class the map, the
    legend and the table share; its fill is in desk.css."""

    css: str
    low: float
    high: float | None
    message: str  # catalogue code of the legend's label


#: Sequential bands (ColorBrewer YlGnBu in desk.css: light to dark, colour-blind safe
#: and in order when printed grey); no member yet is hatched, so an untouched area
#: stands out from one that has started.
BANDS: tuple[Band, ...] = (
    Band("b0", 0.0, 0.0, "cov_band_none"),
    Band("b1", 0.0, 25.0, "cov_band_1"),
    Band("b2", 25.0, 50.0, "cov_band_2"),
    Band("b3", 50.0, 75.0, "cov_band_3"),
    Band("b4", 75.0, 100.0, "cov_band_4"),
    Band("b5", 100.0, None, "cov_band_5"),
)


def band_of(bar: Bar) -> Band:
    """The band of an area's figure: b0 when it has no member, else by its percentage."""
    if bar.count == 0:
        return BANDS[0]
    percent = bar.percent or 0.0
    for band in BANDS[1:]:
        if band.high is None or percent < band.high:
            return band
    return BANDS[-1]


@dataclass(frozen=True)
class Shape:
    """One area projected: its SVG path data and where its label goes."""

    code: str
    name: str
    d: str
    x: float
    y: float


@dataclass(frozen=True)
class Outline:
    """Every area of one level, projected into a `width` × `height` box."""

    width: float
    height: float
    shapes: tuple[Shape, ...]


@dataclass(frozen=True)
class MapArea:
    """An area as the map draws it: its shape, its figures and their band."""

    shape: Shape
    bar: Bar
    band: Band
    selected: bool


@dataclass(frozen=True)
class CoverageMap:
    """What the template needs to draw the map and its legend."""

    level: str
    width: float
    height: float
    areas: tuple[MapArea, ...]
    bands: tuple[Band, ...] = BANDS


def _fmt(v: float) -> str:
    """A coordinate with one decimal and no needless zeros (path data is most of the page)."""
    text = f"{v:.1f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _ring_path(ring: list[tuple[float, float]]) -> str:
    """`M x y l dx dy … Z` from points already rounded to tenths, so the relative steps
    add up exactly to each rounded point."""
    (x0, y0), rest = ring[0], ring[1:]
    steps = []
    px, py = x0, y0
    for x, y in rest:
        steps.append(f"{_fmt(x - px)} {_fmt(y - py)}")
        px, py = x, y
    return f"M{_fmt(x0)} {_fmt(y0)}l" + " ".join(steps) + "Z"


@cache
def outline(level: str) -> Outline:
    """The projected areas of `level` ("kecamatan" or "desa"), read once."""
    path = GEO_DIR / f"lombok_timur_{level}.geojson"
    features = json.loads(path.read_text(encoding="utf-8"))["features"]
    points = [
        c for f in features for poly in f["geometry"]["coordinates"] for ring in poly for c in ring
    ]
    west, east = min(p[0] for p in points), max(p[0] for p in points)
    south, north = min(p[1] for p in points), max(p[1] for p in points)
    kx = math.cos(math.radians((north + south) / 2))
    scale = (WIDTH - 2 * _PAD) / ((east - west) * kx)

    def project(lon: float, lat: float) -> tuple[float, float]:
        # Rounded here, once, so path steps and labels agree to the tenth.
        return (
            round(_PAD + (lon - west) * kx * scale, 1),
            round(_PAD + (north - lat) * scale, 1),
        )

    shapes = []
    for f in features:
        props = f["properties"]
        rings = [
            _ring_path([project(lon, lat) for lon, lat in ring])
            for poly in f["geometry"]["coordinates"]
            for ring in poly
        ]
        x, y = project(props["lng"], props["lat"])
        shapes.append(Shape(props["code"], props["name"], "".join(rings), x, y))
    height = round(2 * _PAD + (north - south) * scale, 1)
    return Outline(WIDTH, height, tuple(sorted(shapes, key=lambda s: s.code)))


def coverage_map(c: Coverage, level: str, selected: str | None = None) -> CoverageMap:
    """The map of `level` coloured by the figures of `c`; `selected` (an area code) is
    outlined, and so is a kecamatan's every village on the desa map."""
    if level not in LEVELS:
        raise ValueError(f"unknown map level {level!r}")
    if level == "kecamatan":
        bars = {b.code: b for b in c.kecamatan}
    else:
        bars = {b.code: b for vs in c.villages.values() for b in vs}
    drawn = outline(level)
    areas = []
    for shape in drawn.shapes:
        bar = bars.get(shape.code) or Bar(shape.code, shape.name, 0)
        mark = selected is not None and (
            shape.code == selected or shape.code.startswith(selected + ".")
        )
        areas.append(MapArea(shape, bar, band_of(bar), mark))
    return CoverageMap(level, drawn.width, drawn.height, tuple(areas))
