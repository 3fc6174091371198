"""Desk accounts: one's own password, and (administrators) creating accounts,
disabling or enabling them and setting a new password. Signing in and out, and the
throttles both share, are in auth.py.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel import Session

from sync_server.dependencies import ReadSessionDep, SessionDep, checkpoint, client_address
from sync_server.models import User
from sync_server.services import throttle
from sync_server.services.accounts import (
    MIN_PASSWORD,
    ROLES,
    AccountError,
    VerifierBusy,
    check_password,
    create_user,
    hash_password,
    list_users,
    set_disabled,
    set_password_hash,
)
from sync_server.services.audit import audit
from sync_server.web.deps import AdminPostDep, Desk, DeskDep, DeskPostDep
from sync_server.web.errors import DeskError
from sync_server.web.routes.auth import (
    ACCOUNT_ERRORS,
    ACCOUNT_POLICY,
    BUSY,
    release_transaction,
    wait_message,
)
from sync_server.web.templating import render

router = APIRouter(prefix="/desk", tags=["desk"], include_in_schema=False)


# --- one's own password -------------------------------------------------------------


@router.get("/account", response_model=None)
def account_page(request: Request, desk: DeskDep) -> Response:
    """Change one's own password (everyone, the first administrator too)."""
    return _account(request, desk, error="", done=False, status=200)


def _account(request: Request, desk: Desk, *, error: str, done: bool, status: int) -> Response:
    context = {"error": error, "done": done, "min_password": MIN_PASSWORD}
    return render(request, "account.html", context, status=status)


@router.post("/account/password", response_model=None)
def change_own_password(
    request: Request,
    desk: DeskPostDep,
    session: SessionDep,
    current_password: Annotated[str, Form(max_length=256)] = "",
    new_password: Annotated[str, Form(max_length=256)] = "",
    new_password_again: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    """Set a new password, given the current one; the account's other sessions end.

    A wrong current password counts against the account like a failed sign-in, so a
    borrowed browser cannot be used to guess it either.
    """
    user_id, name, stored = desk.user.id, desk.user.username, desk.user.password_hash
    assert user_id is not None
    release_transaction(session, desk)  # end the lookup's transaction: no lock while argon2 runs
    if new_password != new_password_again:
        return _account(
            request, desk, error=ACCOUNT_ERRORS["password_mismatch"], done=False, status=400
        )
    if len(new_password) < MIN_PASSWORD:
        return _account(
            request, desk, error=ACCOUNT_ERRORS["password_short"], done=False, status=400
        )
    keys = {f"login:user:{name}": ACCOUNT_POLICY}
    charged = throttle.charge(session, keys)
    checkpoint(session)  # the charge stays counted, and no transaction is open for argon2
    if charged.refused:
        return _account(request, desk, error=wait_message(charged.wait), done=False, status=429)
    try:
        check = check_password(stored, current_password)
        new_hash = hash_password(new_password) if check.ok else ""
    except VerifierBusy:
        throttle.forgive(session, keys)
        return _account(request, desk, error=BUSY, done=False, status=429)
    if not check.ok:
        address = client_address(request)
        audit(
            session, desk.user, "password_change_failed", f"user:{name}", "", {"address": address}
        )
        return _account(
            request, desk, error=ACCOUNT_ERRORS["current_wrong"], done=False, status=400
        )
    throttle.forgive(session, keys, reset=list(keys))
    set_password_hash(
        session=session, user_id=user_id, password_hash=new_hash, keep_token=desk.token
    )
    audit(session, desk.user, "password_change", f"user:{name}")
    return _account(request, desk, error="", done=True, status=200)


# --- accounts (administrators) ------------------------------------------------------------


@router.get("/users", response_model=None)
def users_page(request: Request, desk: DeskDep, session: ReadSessionDep) -> Response:
    """Accounts (administrators may add, disable, enable and reset them)."""
    return _users(request, session, error="", status=200)


def _users(request: Request, session: Session, *, error: str, status: int) -> Response:
    context = {"users": list_users(session=session), "roles": ROLES, "error": error}
    return render(request, "users.html", context, status=status)


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
    release_transaction(session, desk)  # the new password is hashed with no lock held
    try:
        user = create_user(
            session=session,
            username=username,
            password=password,
            role=role,
            display_name=display_name,
        )
    except AccountError as exc:
        release_transaction(session, desk)
        return _users(request, session, error=ACCOUNT_ERRORS[exc.code], status=400)
    except VerifierBusy:
        release_transaction(session, desk)
        return _users(request, session, error=BUSY, status=429)
    audit(session, desk.user, "user_create", f"user:{user.username}", "", {"role": user.role})
    return RedirectResponse("/desk/users", status_code=303)


@router.post("/users/{user_id}/disable", response_model=None)
def users_disable(
    request: Request, user_id: int, desk: AdminPostDep, session: SessionDep
) -> Response:
    """Disable an account: it cannot sign in, and its open sessions end at once."""
    return _set_disabled(request, session, desk, user_id, disabled=True)


@router.post("/users/{user_id}/enable", response_model=None)
def users_enable(
    request: Request, user_id: int, desk: AdminPostDep, session: SessionDep
) -> Response:
    """Enable a disabled account again."""
    return _set_disabled(request, session, desk, user_id, disabled=False)


def _set_disabled(
    request: Request, session: Session, desk: Desk, user_id: int, *, disabled: bool
) -> Response:
    try:
        user = set_disabled(session=session, user_id=user_id, disabled=disabled, by=desk.user)
    except AccountError as exc:
        release_transaction(session, desk)
        if exc.code == "user_unknown":
            raise DeskError(404, "not_found") from None
        return _users(request, session, error=ACCOUNT_ERRORS[exc.code], status=400)
    action = "user_disable" if disabled else "user_enable"
    audit(session, desk.user, action, f"user:{user.username}")
    return RedirectResponse("/desk/users", status_code=303)


@router.post("/users/{user_id}/password", response_model=None)
def users_reset_password(
    request: Request,
    user_id: int,
    desk: AdminPostDep,
    session: SessionDep,
    password: Annotated[str, Form(max_length=256)] = "",
) -> Response:
    """Give an account a new password (told to its owner in person); its sessions end."""
    own = user_id == desk.user.id
    release_transaction(session, desk)  # hash with no lock held
    try:
        new_hash = hash_password(password)
    except AccountError as exc:
        return _users(request, session, error=ACCOUNT_ERRORS[exc.code], status=400)
    except VerifierBusy:
        return _users(request, session, error=BUSY, status=429)
    target = session.get(User, user_id)
    if target is None:
        raise DeskError(404, "not_found")
    keep = desk.token if own else ""
    set_password_hash(session=session, user_id=user_id, password_hash=new_hash, keep_token=keep)
    throttle.forgive(session, {}, reset=[f"login:user:{target.username}"])  # unlock it too
    audit(session, desk.user, "user_password_reset", f"user:{target.username}")
    return RedirectResponse("/desk/users", status_code=303)
