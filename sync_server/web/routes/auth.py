"""Signing in and out of the desk (accounts and one's own password: accounts.py).

Sign-in resists guessing: failures are counted per account and per client address
(services/throttle.py) and, past a few, answered with a growing wait (429) before any
password is checked. Every failure is in the audit log with the name tried and the
address, never the password. No password check runs inside a database transaction.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from enrolment.messages import slashed
from sync_server.db import read_session
from sync_server.dependencies import (
    COOKIE,
    Desk,
    ReadSessionDep,
    SessionDep,
    SettingsDep,
    checkpoint,
    client_address,
    desk_lookup,
)
from sync_server.models import User
from sync_server.services import throttle
from sync_server.services.accounts import (
    SESSION_LIFETIME,
    VerifierBusy,
    check_password,
    csrf_matches,
    end_session,
    find_user,
    set_password_hash,
    start_session,
)
from sync_server.services.audit import audit
from sync_server.web.deps import DeskPostDep
from sync_server.web.errors import DeskError
from sync_server.web.templating import render

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)

# The sign-in form has no session yet: it is protected by a double-submit token
# (cookie and hidden field must agree), so another site cannot sign a browser in.
LOGIN_COOKIE = "desk_login"

# Five wrong passwords for one account, or ten from one address (an office behind one
# router shares it), and the next attempt waits 30 s, then 60 s, 120 s … up to an hour.
ACCOUNT_POLICY = throttle.Policy(
    limit=5,
    first_wait=timedelta(seconds=30),
    max_wait=timedelta(hours=1),
    forget_after=timedelta(hours=24),
)
ADDRESS_POLICY = throttle.Policy(
    limit=10,
    first_wait=timedelta(seconds=30),
    max_wait=timedelta(hours=1),
    forget_after=timedelta(hours=24),
)

# The texts are the catalogue's account_<code> and login_* (enrolment/messages/desk.py).
ACCOUNT_ERRORS = {
    code: slashed(f"account_{code}")
    for code in (
        "username_invalid",
        "password_short",
        "role_invalid",
        "username_taken",
        "self",
        "last_admin",
        "password_mismatch",
        "current_wrong",
        "user_unknown",
    )
}
WRONG_LOGIN = slashed("login_wrong")
BUSY = slashed("login_busy")


def _secure(settings: SettingsDep) -> bool:
    # Behind HTTPS the cookie must never travel in clear; local http needs it off.
    return settings.public_base_url.startswith("https://")


def wait_message(seconds: int) -> str:
    """The lockout message for a wait of `seconds`, in Indonesian and English."""
    if seconds < 120:
        return slashed("login_wait_seconds", n=seconds)
    return slashed("login_wait_minutes", n=-(-seconds // 60))


def _login_keys(username: str, address: str) -> dict[str, throttle.Policy]:
    return {f"login:user:{username}": ACCOUNT_POLICY, f"login:addr:{address}": ADDRESS_POLICY}


@router.get("/login", response_model=None)
def login_page(request: Request, settings: SettingsDep, reader: ReadSessionDep) -> Response:
    """The sign-in form (signed-in users go straight to the desk). Anyone may ask, so
    it reads in a deferred transaction: no write lock."""
    if desk_lookup(request, reader) is not None:
        return RedirectResponse("/desk/", status_code=303)
    return _login_form(request, settings, error="", status=200)


def _login_form(
    request: Request, settings: SettingsDep, *, error: str, status: int, retry_after: int = 0
) -> Response:
    token = secrets.token_urlsafe(24)
    response = render(request, "login.html", {"login_csrf": token, "error": error}, status=status)
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
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
    """Check the password; on success set the session cookie and open the desk.

    Order matters for the tablets: the lockout is read in a deferred transaction, the
    attempt is charged in a short write (a checkpoint of the request's unit of work),
    the account is read in a deferred transaction and the password checked with no
    transaction open, and only then is the outcome written. Failures are answered, not
    raised, so the unit of work keeps what they record.
    """
    if not csrf_matches(request.cookies.get(LOGIN_COOKIE, ""), login_csrf):
        raise DeskError(403, "csrf")
    name, address = username.strip().lower(), client_address(request)
    keys = _login_keys(name, address)
    charged = throttle.attempt(request.app.state.engine, session, keys)
    if charged.refused:
        session.rollback()  # a refused attempt writes nothing
        return _login_form(
            request,
            settings,
            error=wait_message(charged.wait),
            status=429,
            retry_after=charged.wait,
        )
    checkpoint(session)  # the charge stays counted, and no transaction is open for argon2
    with read_session(request.app.state.engine) as reader:
        user = find_user(session=reader, username=name)
    try:
        check = check_password(user.password_hash if user else None, password)
    except VerifierBusy:
        throttle.forgive(session, keys)  # not the user's fault: the attempt does not count
        return _login_form(request, settings, error=BUSY, status=429, retry_after=5)
    if not check.ok or user is None or user.disabled_at is not None:
        _audit_failure(session, name, address, user, check.ok, charged.locked)
        return _login_form(request, settings, error=WRONG_LOGIN, status=401)
    return _signed_in(request, session, settings, user, keys, check.rehash)


def _audit_failure(
    session: Session,
    name: str,
    address: str,
    user: User | None,
    password_ok: bool,
    locked: tuple[str, ...],
) -> None:
    """Log a failed sign-in (the name tried and the address, never the password) and
    any lockout it started: once, when its wait starts, not for every refusal."""
    reason = "unknown_user" if user is None else "disabled" if password_ok else "wrong_password"
    details = {"address": address, "reason": reason}
    audit(session, None, "login_failed", f"user:{name}", "", details)
    for key in locked:
        kind = key.split(":")[1]
        target = f"user:{name}" if kind == "user" else f"addr:{address}"
        audit(session, None, "login_locked", target, "", {"address": address, "by": kind})


def _signed_in(
    request: Request,
    session: Session,
    settings: SettingsDep,
    user: User,
    keys: dict[str, throttle.Policy],
    rehash: str | None,
) -> Response:
    """Forgive the attempt, open the session and set its cookie."""
    assert user.id is not None
    throttle.forgive(session, keys, reset=[f"login:user:{user.username}"])
    if rehash:  # argon2's parameters were raised since this hash was made
        set_password_hash(session=session, user_id=user.id, password_hash=rehash)
    token, _csrf = start_session(session=session, user=user)
    audit(session, user, "login", "", "", {"address": client_address(request)})
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
    end_session(session=session, token=desk.token)
    response = RedirectResponse("/desk/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response


def release_transaction(session: Session, desk: Desk) -> None:
    """End the transaction the sign-in lookup opened (on SQLite it holds the write lock)
    before slow work such as hashing, keeping the desk's user and session rows loaded
    for the page and the audit entry."""
    for row in (desk.user, desk.session):
        if row in session:
            session.expunge(row)
    session.rollback()
