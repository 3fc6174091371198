"""Coverage against targets and the money page (contributions from public funds)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync_server.dependencies import ReadSessionDep
from sync_server.services.coverage import coverage
from sync_server.services.coverage_map import LEVELS, band_of, coverage_map
from sync_server.services.money import DUE_BUCKETS, PUBLIC_FUNDS, money
from sync_server.web.deps import DeskDep
from sync_server.web.templating import render

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)


@router.get("/", response_model=None)
def coverage_page(
    request: Request,
    desk: DeskDep,
    session: ReadSessionDep,
    peta: str = "kecamatan",
    area: str = "",
) -> Response:
    """The desk's home: members by segment, kecamatan, desa and week against targets,
    and the map (`peta`: kecamatan or desa). `area`, set by a click on the map, opens
    that area's row (its kecamatan's villages for a desa) and outlines it on the map;
    an unknown value of either is ignored rather than refused (they come from links)."""
    c = coverage(session=session)
    level = peta if peta in LEVELS else "kecamatan"
    known = area in c.villages or any(area in (v.code for v in vs) for vs in c.villages.values())
    selected = area if known else None
    context = {
        "c": c,
        "map": coverage_map(c, level, selected),
        "selected": selected,
        "open_kecamatan": selected[:8] if selected else None,
        "band_of": band_of,
    }
    return render(request, "coverage.html", context)


@router.get("/money", response_model=None)
def money_page(request: Request, desk: DeskDep, session: ReadSessionDep) -> Response:
    """ADD and DBHCHT contributions per village; UMKM cash and conversions due."""
    context = {"m": money(session=session), "funds": PUBLIC_FUNDS, "buckets": DUE_BUCKETS}
    return render(request, "money.html", context)
