"""The progress report: one PDF for a date, from the coverage page's button."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import Response

from sync_server.dependencies import SessionDep
from sync_server.desk_format import format_day, parse_day
from sync_server.services.audit import audit
from sync_server.services.progress_report import EARLIEST_DAY, progress_report, today_wita
from sync_server.web.deps import DeskDep
from sync_server.web.errors import DeskError

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)


@router.get("/report.pdf", response_model=None)
def report_pdf(
    desk: DeskDep,
    session: SessionDep,
    tanggal: Annotated[str, Query(max_length=20)] = "",
) -> Response:
    """The report as of the end of `tanggal` (DD-MM-YYYY or ISO; empty: today, WITA).
    Audited as an export (it carries the programme's figures, no person's data)."""
    try:
        day = parse_day(tanggal) or today_wita()
    except ValueError:
        raise DeskError(400, "report_date_bad", value=tanggal.strip()[:20]) from None
    if day > today_wita():
        raise DeskError(400, "report_date_future", value=format_day(day))
    if day < EARLIEST_DAY:
        raise DeskError(
            400, "report_date_early", value=tanggal.strip(), earliest=format_day(EARLIEST_DAY)
        )
    # Imported here: the PDF drawing (reportlab, pillow) costs every server start ~0.1 s.
    from sync_server.services.progress_report_pdf import render_report_pdf

    report = progress_report(session=session, day=day)
    body = render_report_pdf(report)
    audit(session, desk.user, "export_report", f"tanggal:{format_day(day)}")
    name = f"laporan-kemajuan-{day:%Y%m%d}.pdf"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(body, media_type="application/pdf", headers=headers)
