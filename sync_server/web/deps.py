"""Desk dependencies: the signed-in user (cookie session), CSRF on POST forms, roles,
and the desk's background services."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from sync_server.api.deps import SessionDep
from sync_server.api.errors import ApiError
from sync_server.models import User, UserSession
from sync_server.services.accounts import csrf_matches, session_user
from sync_server.services.print_jobs import PrintJobs
from sync_server.web.errors import DeskError, LoginRequired

COOKIE = "desk_session"


@dataclass(frozen=True)
class Desk:
    """Who is at the desk: the user, their session row and its CSRF token."""

    user: User
    session: UserSession
    token: str

    @property
    def csrf(self) -> str:
        """The token every POST form of this session must carry."""
        return self.session.csrf_token


def _lookup(request: Request, session: SessionDep) -> Desk | None:
    token = request.cookies.get(COOKIE, "")
    found = session_user(session=session, token=token)
    if found is None:
        return None
    desk = Desk(user=found[1], session=found[0], token=token)
    # End the lookup's transaction now, keeping the rows loaded: on SQLite it began
    # IMMEDIATE, and would otherwise hold the tablets' write lock for the whole page.
    for row in found:
        session.expunge(row)
    session.rollback()
    request.state.desk = desk
    return desk


def get_desk(request: Request, session: SessionDep) -> Desk:
    """The signed-in user of a page; otherwise to the sign-in page."""
    desk = _lookup(request, session)
    if desk is None:
        raise LoginRequired()
    return desk


async def get_desk_post(request: Request, session: SessionDep) -> Desk:
    """As get_desk, for POST forms: the form's `csrf_token` must match the session's.

    Checked before the route runs, so a forged or stale form changes nothing (403).
    """
    desk = _lookup(request, session)
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


def get_api_user(request: Request, session: SessionDep) -> User:
    """A desk user for a JSON endpoint: 401 (protocol error) instead of a redirect."""
    desk = _lookup(request, session)
    if desk is None:
        raise ApiError(401, "unauthorized")
    return desk.user


def get_print_jobs(request: Request) -> PrintJobs:
    """The batch-PDF job runner the app was created with (sync_server/main.py)."""
    return request.app.state.print_jobs


DeskDep = Annotated[Desk, Depends(get_desk)]
DeskPostDep = Annotated[Desk, Depends(get_desk_post)]
AdminPostDep = Annotated[Desk, Depends(get_admin_post)]
ApiUserDep = Annotated[User, Depends(get_api_user)]
PrintJobsDep = Annotated[PrintJobs, Depends(get_print_jobs)]
