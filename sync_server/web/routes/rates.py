"""The contribution tables (/desk/rates): every signed-in user sees the schedule in
force; only administrators add, change or delete a table. A refused change comes back
on the page with its reason (400) and nothing is stored."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from enrolment.contribution_schedule import OPEN_END, OPEN_START, RateTable
from enrolment.messages import slashed
from sync_server.dependencies import ReadSessionDep, SessionDep
from sync_server.desk_format import to_wita
from sync_server.models import utcnow
from sync_server.services import rate_tables
from sync_server.services.rate_tables import RateTableError
from sync_server.web.deps import AdminPostDep, DeskDep
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)
Text = Annotated[str, Form(max_length=200)]


@router.get("/rates", response_model=None)
def rates_page(request: Request, desk: DeskDep, session: ReadSessionDep) -> Response:
    """The schedule: each table with its period and rates, the one in force today marked."""
    return _page(request, session, error="", status=200)


def _page(request: Request, session: Session, *, error: str, status: int) -> Response:
    view = rate_tables.stored_schedule(session=session)
    today = to_wita(utcnow()).date()
    context = {
        "view": view,
        "in_force": view.schedule.table_on(today),
        "open_start": OPEN_START,
        "open_end": OPEN_END,
        "percent": rate_tables.percent_text,
        "key": _key,
        "error": error,
    }
    return render(request, "rates.html", context, status=status)


def _key(table: RateTable) -> str:
    """A table's name in its links: its start day (ISO)."""
    return table.start.isoformat()


def _parse(
    start: str,
    end: str,
    basis: str,
    jkk_percent: str,
    jkk_min: str,
    jkk_max: str,
    jkm_flat: str,
    jht_percent: str,
) -> RateTable:
    return rate_tables.parse_table(
        start=start,
        end=end,
        basis=basis,
        jkk_percent=jkk_percent,
        jkk_min=jkk_min,
        jkk_max=jkk_max,
        jkm_flat=jkm_flat,
        jht_percent=jht_percent,
    )


def _refused(request: Request, session: Session, exc: RateTableError) -> Response:
    # Refused before anything was written (the whole schedule is judged first).
    return _page(request, session, error=slashed(f"rate_{exc.code}", **exc.params), status=400)


def _start_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DeskError(404, "not_found") from None


@router.post("/rates", response_model=None)
def rates_add(
    request: Request,
    desk: AdminPostDep,
    session: SessionDep,
    start: Text = "",
    end: Text = "",
    basis: Text = "",
    jkk_percent: Text = "",
    jkk_min: Text = "",
    jkk_max: Text = "",
    jkm_flat: Text = "",
    jht_percent: Text = "",
) -> Response:
    """Add a table (administrators)."""
    try:
        table = _parse(start, end, basis, jkk_percent, jkk_min, jkk_max, jkm_flat, jht_percent)
        rate_tables.add_table(session=session, user=desk.user, table=table)
    except RateTableError as exc:
        return _refused(request, session, exc)
    return RedirectResponse("/desk/rates", status_code=303)


@router.post("/rates/{key}/edit", response_model=None)
def rates_edit(
    request: Request,
    key: str,
    desk: AdminPostDep,
    session: SessionDep,
    start: Text = "",
    end: Text = "",
    basis: Text = "",
    jkk_percent: Text = "",
    jkk_min: Text = "",
    jkk_max: Text = "",
    jkm_flat: Text = "",
    jht_percent: Text = "",
) -> Response:
    """Change the table that starts on `key` (administrators)."""
    old_start = _start_of(key)
    try:
        table = _parse(start, end, basis, jkk_percent, jkk_min, jkk_max, jkm_flat, jht_percent)
        rate_tables.edit_table(session=session, user=desk.user, start=old_start, table=table)
    except RateTableError as exc:
        return _refused(request, session, exc)
    except LookupError:
        raise DeskError(404, "not_found") from None
    return RedirectResponse("/desk/rates", status_code=303)


@router.post("/rates/{key}/delete", response_model=None)
def rates_delete(request: Request, key: str, desk: AdminPostDep, session: SessionDep) -> Response:
    """Delete the table that starts on `key` (administrators)."""
    old_start = _start_of(key)
    try:
        rate_tables.delete_table(session=session, user=desk.user, start=old_start)
    except RateTableError as exc:
        return _refused(request, session, exc)
    except LookupError:
        raise DeskError(404, "not_found") from None
    return RedirectResponse("/desk/rates", status_code=303)
