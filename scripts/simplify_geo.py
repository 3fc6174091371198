"""Write the desk's map boundaries (assets/geo/) from the reference GeoJSON, simplified.

    .venv/bin/python scripts/simplify_geo.py [SOURCE_DIR]   # default ../shared/data

The reference files (cahyadsn/wilayah_boundaries, MIT) hold 23,000 points for the 254
villages, about 0.5 MB: far more than a map a few hundred pixels wide can show, and the
assets also go into the tablet's APK. Each ring is simplified with Douglas–Peucker at a
tolerance well under one pixel of the desk's map (the regency is about 0.69° tall and
drawn at most ~1000 px tall), then rounded to 4 decimals (about 11 m). Rings are
simplified one by one, so two neighbours' shared border can differ by up to the
tolerance: invisible at this size. Polygons that shrink to fewer than 4 points (tiny
islets) are dropped, but never an area's last polygon. Pure Python, run by hand when the
reference data changes; the written files are committed.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "assets" / "geo"
LEVELS = ("kecamatan", "desa")
TOLERANCE = 0.0006  # degrees, about 66 m: under a pixel at ~1000 px for 0.69°
DECIMALS = 4

Point = tuple[float, float]


def _distance(p: Point, a: Point, b: Point) -> float:
    """Distance of `p` from the segment a–b (plane geometry is fine at this size)."""
    (x, y), (x1, y1), (x2, y2) = p, a, b
    dx, dy = x2 - x1, y2 - y1
    if dx == dy == 0:
        return ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5
    t = max(0.0, min(1.0, ((x - x1) * dx + (y - y1) * dy) / (dx * dx + dy * dy)))
    return ((x - x1 - t * dx) ** 2 + (y - y1 - t * dy) ** 2) ** 0.5


def douglas_peucker(points: list[Point], tolerance: float) -> list[Point]:
    """The points of a line kept by Douglas–Peucker (iterative: rings can be long)."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        far, index = 0.0, -1
        for i in range(first + 1, last):
            d = _distance(points[i], points[first], points[last])
            if d > far:
                far, index = d, i
        if index >= 0 and far > tolerance:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def simplify_ring(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """A closed ring simplified and rounded; split at its farthest point from the start
    so the closing point is not the only fixed point of the ring."""
    pts = [(float(x), float(y)) for x, y in ring]
    start = pts[0]
    split = max(
        range(len(pts)), key=lambda i: (pts[i][0] - start[0]) ** 2 + (pts[i][1] - start[1]) ** 2
    )
    half = (
        douglas_peucker(pts[: split + 1], tolerance) + douglas_peucker(pts[split:], tolerance)[1:]
    )
    out: list[list[float]] = []
    for x, y in half:
        q = [round(x, DECIMALS), round(y, DECIMALS)]
        if not out or out[-1] != q:
            out.append(q)
    return out


def simplify_feature(feature: dict, tolerance: float) -> dict:
    """One area with its polygons simplified (its properties kept as they are)."""
    polygons = []
    for polygon in feature["geometry"]["coordinates"]:
        rings = [simplify_ring(r, tolerance) for r in polygon]
        if len(rings[0]) >= 4:
            polygons.append([r for r in rings if len(r) >= 4])
    if not polygons:  # never lose an area: keep its largest polygon, lightly simplified
        largest = max(feature["geometry"]["coordinates"], key=lambda p: len(p[0]))
        polygons = [[simplify_ring(largest[0], tolerance / 10)]]
    return {
        "type": "Feature",
        "properties": feature["properties"],
        "geometry": {"type": "MultiPolygon", "coordinates": polygons},
    }


def main(source: Path) -> None:
    """Write assets/geo/lombok_timur_<level>.geojson and copy the licence beside them."""
    OUT.mkdir(parents=True, exist_ok=True)
    for level in LEVELS:
        name = f"lombok_timur_{level}.geojson"
        raw = json.loads((source / name).read_text(encoding="utf-8"))
        features = [simplify_feature(f, TOLERANCE) for f in raw["features"]]
        data = {"type": "FeatureCollection", "features": features}
        (OUT / name).write_text(json.dumps(data, separators=(",", ":")) + "\n", encoding="utf-8")
        before = sum(
            len(r) for f in raw["features"] for p in f["geometry"]["coordinates"] for r in p
        )
        after = sum(len(r) for f in features for p in f["geometry"]["coordinates"] for r in p)
        print(f"{name}: {len(features)} areas, {before} → {after} points")
    shutil.copyfile(source / "LICENSE-wilayah_boundaries", OUT / "LICENSE-wilayah_boundaries")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
