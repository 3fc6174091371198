"""The contribution tables (/desk/rates): every signed-in user sees the schedule in
force; only administrators add, change or delete a table. A refused change comes back
on the page with its reason (400) and nothing is stored."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import BaseModel, Field
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


class RateForm(BaseModel):
    """The table form's fields as typed; `rate_tables.parse_table` judges them."""

    start: str = Field("", max_length=200)
    end: str = Field("", max_length=200)
    basis: str = Field("", max_length=200)
    jkk_percent: str = Field("", max_length=200)
    jkk_min: str = Field("", max_length=200)
    jkk_max: str = Field("", max_length=200)
    jkm_flat: str = Field("", max_length=200)
    jht_percent: str = Field("", max_length=200)

    def table(self) -> RateTable:
        """The table these fields describe (RateTableError with the reason if none)."""
        return rate_tables.parse_table(**self.model_dump())


TableForm = Annotated[RateForm, Form()]


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
    form: TableForm,
) -> Response:
    """Add a table (administrators)."""
    try:
        rate_tables.add_table(session=session, user=desk.user, table=form.table())
    except RateTableError as exc:
        return _refused(request, session, exc)
    return RedirectResponse("/desk/rates", status_code=303)


@router.post("/rates/{key}/edit", response_model=None)
def rates_edit(
    request: Request,
    key: str,
    desk: AdminPostDep,
    session: SessionDep,
    form: TableForm,
) -> Response:
    """Change the table that starts on `key` (administrators)."""
    old_start = _start_of(key)
    try:
        rate_tables.edit_table(session=session, user=desk.user, start=old_start, table=form.table())
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
