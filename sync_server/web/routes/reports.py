"""Coverage against targets and the money page (contributions from public funds)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from sync_server.dependencies import ReadSessionDep
from sync_server.services.coverage import coverage
from sync_server.services.money import DUE_BUCKETS, PUBLIC_FUNDS, money
from sync_server.web.deps import DeskDep
from sync_server.web.templating import render

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)


@router.get("/", response_model=None)
def coverage_page(request: Request, desk: DeskDep, session: ReadSessionDep) -> Response:
    """The desk's home: members by segment, kecamatan, desa and week against targets."""
    return render(request, "coverage.html", {"c": coverage(session=session)})


@router.get("/money", response_model=None)
def money_page(request: Request, desk: DeskDep, session: ReadSessionDep) -> Response:
    """ADD and DBHCHT contributions per village; UMKM cash and conversions due."""
    context = {"m": money(session=session), "funds": PUBLIC_FUNDS, "buckets": DUE_BUCKETS}
    return render(request, "money.html", context)
