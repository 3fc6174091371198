"""Desk dependencies: the signed-in user (cookie session), CSRF on POST forms, roles,
and the desk's background services. (The session lookup and what the desk shares with
the API are in sync_server/dependencies.py.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from sync_server.dependencies import COOKIE as COOKIE  # re-exported for the desk
from sync_server.dependencies import Desk, SessionDep, desk_lookup
from sync_server.services.accounts import csrf_matches
from sync_server.services.print_jobs import PrintJobs
from sync_server.web.errors import DeskError, LoginRequired


def get_desk(request: Request, session: SessionDep) -> Desk:
    """The signed-in user of a page; otherwise to the sign-in page."""
    desk = desk_lookup(request, session)
    if desk is None:
        raise LoginRequired()
    return desk


async def get_desk_post(request: Request, session: SessionDep) -> Desk:
    """As get_desk, for POST forms: the form's `csrf_token` must match the session's.

    Checked before the route runs, so a forged or stale form changes nothing (403).
    """
    desk = desk_lookup(request, session)
    if desk is None:
        raise LoginRequired()
    form = await request.form()  # Starlette caches it for the route's Form() fields
    given = form.get("csrf_token")
    if not isinstance(given, str) or not csrf_matches(desk.csrf, given):
        raise DeskError(403, "csrf")
    return desk


def get_admin_post(desk: Annotated[Desk, Depends(get_desk_post)]) -> Desk:
    """A POST only an administrator may make."""
    if desk.user.role != "administrator":
        raise DeskError(403, "forbidden")
    return desk


def get_print_jobs(request: Request) -> PrintJobs:
    """The batch-PDF job runner the app was created with (sync_server/main.py)."""
    return request.app.state.print_jobs


DeskDep = Annotated[Desk, Depends(get_desk)]
DeskPostDep = Annotated[Desk, Depends(get_desk_post)]
AdminPostDep = Annotated[Desk, Depends(get_admin_post)]
PrintJobsDep = Annotated[PrintJobs, Depends(get_print_jobs)]
