"""Exports for BPJS bulk registration, KPJ import, and the audit log."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Annotated

from fastapi import APIRouter, Form, Request, UploadFile
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from enrolment.areas import kecamatan, villages
from enrolment.messages import slashed, text
from enrolment.segments import SEGMENT_NAMES, Segment
from sync_server.dependencies import ReadSessionDep, SessionDep
from sync_server.desk_format import parse_day, to_wita
from sync_server.models import utcnow
from sync_server.request_limits import UPLOAD_FILE
from sync_server.services.audit import audit, audit_csv, entry_view, recent_entries
from sync_server.services.kpj_import import REASONS, ImportFileError, read_rows, store_kpj
from sync_server.services.member_export import ExportFilter, export_members
from sync_server.web.deps import DeskDep, DeskPostDep
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)

MAX_UPLOAD = UPLOAD_FILE  # the request itself is cut off a little above (request_limits)
_MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _download_headers(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}


@cache
def _areas() -> tuple[tuple[str, str], ...]:
    """(code, label) of every kecamatan followed by its villages, for the filter (built once)."""
    out = []
    for k in kecamatan():
        out.append((k.code, f"Kec. {k.name}"))
        out.extend((v.code, f"   {v.name}") for v in villages(k.code))
    return tuple(out)


@cache
def _area_codes() -> frozenset[str]:
    return frozenset(code for code, _ in _areas())


def _page(request: Request, **extra: object) -> Response:
    context = {
        "segments": [(s.value, SEGMENT_NAMES[s]["id"]) for s in Segment],
        "areas": _areas(),
        "report": None,
        "error": "",
        "reasons": REASONS,
        **extra,
    }
    status = 400 if extra.get("error") else 200
    return render(request, "exports.html", context, status=status)


@router.get("/exports", response_model=None)
def exports_page(request: Request, desk: DeskDep) -> Response:
    """Forms: member export, KPJ import, audit log download."""
    return _page(request)


class _BadDate(ValueError):
    """A date field that is not a date; its message is the page's error."""


def _date(value: str, label_code: str) -> date | None:
    """DD-MM-YYYY (the form's pattern) or ISO; empty is "no limit"."""
    try:
        return parse_day(value)
    except ValueError:
        raise _BadDate(slashed("date_bad", field=text(label_code))) from None


@router.post("/exports/members", response_model=None)
def export_members_route(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    fmt: Annotated[str, Form(max_length=8)] = "xlsx",
    segment: Annotated[str, Form(max_length=40)] = "",
    area: Annotated[str, Form(max_length=20)] = "",
    date_from: Annotated[str, Form(max_length=20)] = "",
    date_to: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """The filtered member list as a download (audited with its filters)."""
    if fmt not in _MEDIA:
        raise DeskError(400, "bad_input", detail="fmt")
    if segment and segment not in {s.value for s in Segment}:
        raise DeskError(400, "bad_input", detail="segment")
    if area and area not in _area_codes():
        raise DeskError(400, "bad_input", detail="area")
    try:
        start, end = _date(date_from, "export_date_from"), _date(date_to, "export_date_to")
    except _BadDate as exc:  # the form again with its error; nothing exported or audited
        return _page(request, error=str(exc))
    if start and end and start > end:
        return _page(request, error=slashed("date_range_reversed"))
    flt = ExportFilter(segment, area, start, end)
    body, _rows = export_members(session=session, flt=flt, fmt=fmt, user=desk.user)
    name = f"peserta-{to_wita(utcnow()):%Y%m%d-%H%M}.{fmt}"  # the office's clock
    return Response(body, media_type=_MEDIA[fmt], headers=_download_headers(name))


@router.post("/kpj", response_model=None)
async def kpj_import_route(
    request: Request, desk: DeskPostDep, session: SessionDep, file: UploadFile
) -> Response:
    """Store KPJ numbers from BPJS's spreadsheet; report the rows that did not match.

    The file is read in a worker thread with no transaction open: parsing a large
    spreadsheet takes seconds, which on the event loop would stall every request and
    inside a transaction would hold SQLite's write lock against the tablets.
    """
    data = await file.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return _page(request, error=slashed("kpj_too_large"))
    # The sign-in lookup has already ended its transaction (web/deps.py): none is open.
    filename = file.filename or ""
    try:
        rows = await run_in_threadpool(read_rows, filename, data)
        report = await run_in_threadpool(
            lambda: store_kpj(session=session, filename=filename, rows=rows, user=desk.user)
        )
    except ImportFileError as exc:
        await run_in_threadpool(session.rollback)
        return _page(request, error=slashed(f"kpj_{exc.code}"))
    return _page(request, report=report)


@router.get("/audit", response_model=None)
def audit_page(request: Request, desk: DeskDep, session: ReadSessionDep) -> Response:
    """The newest audit entries."""
    entries = [entry_view(e) for e in recent_entries(session=session)]
    return render(request, "audit.html", {"entries": entries})


@router.get("/audit.csv", response_model=None)
def audit_download(desk: DeskDep, session: SessionDep) -> Response:
    """The whole audit log as CSV (the download itself is logged too)."""
    audit(session, desk.user, "export_audit")
    body = audit_csv(session=session).encode("utf-8-sig")
    name = f"audit-{to_wita(utcnow()):%Y%m%d-%H%M}.csv"
    return Response(body, media_type=_MEDIA["csv"], headers=_download_headers(name))
