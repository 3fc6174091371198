"""Signing in and out of the desk, and managing accounts (administrators)."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from sync_server.api.deps import SessionDep, SettingsDep
from sync_server.services.accounts import (
    ROLES,
    SESSION_LIFETIME,
    AccountError,
    authenticate,
    create_user,
    csrf_matches,
    end_session,
    list_users,
    start_session,
)
from sync_server.services.audit import audit
from sync_server.web.deps import COOKIE, AdminPostDep, DeskDep, DeskPostDep, _lookup
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)

# The sign-in form has no session yet: it is protected by a double-submit token
# (cookie and hidden field must agree), so another site cannot sign a browser in.
LOGIN_COOKIE = "desk_login"
ACCOUNT_ERRORS = {
    "username_invalid": (
        "Nama pengguna: 2–64 huruf kecil, angka, . _ - / 2–64 lowercase letters, digits, . _ -"
    ),
    "password_short": "Kata sandi minimal 10 karakter / Password needs at least 10 characters",
    "role_invalid": "Peran tidak dikenal / Unknown role",
    "username_taken": "Nama pengguna sudah dipakai / Username already taken",
}


def _secure(settings: SettingsDep) -> bool:
    # Behind HTTPS the cookie must never travel in clear; local http needs it off.
    return settings.public_base_url.startswith("https://")


@router.get("/login", response_model=None)
def login_page(request: Request, session: SessionDep, settings: SettingsDep) -> Response:
    """The sign-in form (signed-in users go straight to the desk)."""
    if _lookup(request, session) is not None:
        return RedirectResponse("/desk/", status_code=303)
    return _login_form(request, settings, error="", status=200)


def _login_form(request: Request, settings: SettingsDep, *, error: str, status: int) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, "error": error}, status=status)
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
        path="/desk",
    )
    return response


@router.post("/login", response_model=None)
def login(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    username: Annotated[str, Form(max_length=64)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    login_csrf: Annotated[str, Form(max_length=64)] = "",
) -> Response:
    """Check the password; on success set the session cookie and open the desk."""
    if not csrf_matches(request.cookies.get(LOGIN_COOKIE, ""), login_csrf):
        raise DeskError(403, "csrf")
    user = authenticate(session=session, username=username, password=password)
    if user is None:
        error = "Nama pengguna atau kata sandi salah / Wrong username or password"
        return _login_form(request, settings, error=error, status=401)
    token, _csrf = start_session(session=session, user=user)
    audit(session, user, "login")
    session.commit()
    response = RedirectResponse("/desk/", status_code=303)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=_secure(settings),
        path="/",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/desk")
    return response


@router.post("/logout", response_model=None)
def logout(desk: DeskPostDep, session: SessionDep) -> Response:
    """End the session everywhere it could be used, then back to the sign-in page."""
    audit(session, desk.user, "logout")
    session.commit()
    end_session(session=session, token=desk.token)
    response = RedirectResponse("/desk/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


@router.get("/users", response_model=None)
def users_page(request: Request, desk: DeskDep, session: SessionDep) -> Response:
    """Accounts (administrators may add one)."""
    return render(request, "users.html", {"users": list_users(session=session), "roles": ROLES})


@router.post("/users", response_model=None)
def users_create(
    request: Request,
    desk: AdminPostDep,
    session: SessionDep,
    username: Annotated[str, Form(max_length=64)] = "",
    display_name: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    role: Annotated[str, Form(max_length=16)] = "coordinator",
) -> Response:
    """Create an account; errors come back on the same page."""
    try:
        user = create_user(
            session=session,
            username=username,
            password=password,
            role=role,
            display_name=display_name,
        )
    except AccountError as exc:
        context = {
            "users": list_users(session=session),
            "roles": ROLES,
            "error": ACCOUNT_ERRORS[exc.code],
        }
        return render(request, "users.html", context, status=400)
    audit(session, desk.user, "user_create", f"user:{user.username}", "", {"role": user.role})
    session.commit()
    return RedirectResponse("/desk/users", status_code=303)
