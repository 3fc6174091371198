"""Desk accounts and browser sessions.

Passwords are hashed with argon2id (argon2-cffi's defaults). A session is a random
256-bit token in an HttpOnly cookie; the database keeps only its SHA-256, so a copy
of the database does not let anyone sign in. Each session also carries its own CSRF
token, which every POST form echoes in a hidden field.

A password check costs about 0.3 s of CPU and 64 MiB. It never runs inside a database
transaction (on SQLite that would hold the write lock every tablet's push waits for),
and at most VERIFY_SLOTS run at once per process, so a flood of sign-ins cannot take
all cores from the tablets either. At most VERIFY_QUEUE more wait for a slot: the rest
are told at once to retry, so waiting sign-ins never hold the worker threads that
tablets' pushes run in.

An administrator can disable an account (its sessions end at once) and set a new
password for it; everyone can change their own password, given the current one.
"""

from __future__ import annotations

import functools
import hmac
import re
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, func, select, update

from sync_server.models import User, UserSession, utcnow
from sync_server.services.devices import hash_token

ROLES = ("coordinator", "administrator")
SESSION_LIFETIME = timedelta(hours=12)  # one working day at the district office
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

VERIFY_SLOTS = 1  # argon2 checks at once per worker process (one core of two)
VERIFY_QUEUE = 3  # sign-ins that may wait for a slot (of Starlette's 40 threads)
VERIFY_WAIT_S = 5.0  # a waiting sign-in is told to retry after this long

_hasher = PasswordHasher()
_verify_slots = threading.BoundedSemaphore(VERIFY_SLOTS)
_verify_admission = threading.BoundedSemaphore(VERIFY_SLOTS + VERIFY_QUEUE)


@functools.cache
def _dummy_hash() -> str:
    """Verified when the username is unknown, so a wrong name costs as long as a wrong
    password. Made at the first sign-in, not at import: an argon2 hash (~0.26 s) would
    otherwise delay every server start and every CLI command."""
    return _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """An account change was refused; `code` names why (for bilingual messages)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def create_user(
    *, session: Session, username: str, password: str, role: str, display_name: str = ""
) -> User:
    """Add an account to the session's transaction; the caller commits it together with
    its audit entry. Raises AccountError (username_invalid/taken, password_short, role)."""
    username = username.strip().lower()
    if not _USERNAME.match(username):
        raise AccountError("username_invalid")
    if role not in ROLES:
        raise AccountError("role_invalid")
    password_hash = hash_password(password)  # before any query: no lock held while hashing
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise AccountError("username_taken")
    user = User(
        username=username,
        display_name=display_name.strip()[:100] or username,
        password_hash=password_hash,
        role=role,
    )
    try:
        # A savepoint: a second desk creating the same name at the same moment loses on
        # the unique index, and only this insert is undone, not the caller's transaction.
        with session.begin_nested():
            session.add(user)
    except IntegrityError:
        raise AccountError("username_taken") from None
    return user


def list_users(*, session: Session) -> list[User]:
    """Every account, by username."""
    return list(session.exec(select(User).order_by(User.username)).all())  # type: ignore[arg-type]


def find_user(*, session: Session, username: str) -> User | None:
    """The account with this username (as typed: trimmed, any case), or None."""
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


class VerifierBusy(RuntimeError):
    """Too many password checks running or waiting: try again shortly."""


@contextmanager
def _verifier_slot() -> Iterator[None]:
    """Hold one of the VERIFY_SLOTS, waiting only if the queue is not full."""
    if not _verify_admission.acquire(blocking=False):
        raise VerifierBusy()
    try:
        if not _verify_slots.acquire(timeout=VERIFY_WAIT_S):
            raise VerifierBusy()
        try:
            yield
        finally:
            _verify_slots.release()
    finally:
        _verify_admission.release()


@dataclass(frozen=True)
class PasswordCheck:
    """The result of checking a password: right or not, and whether its stored hash
    should be renewed (argon2's parameters were raised since it was made)."""

    ok: bool
    rehash: str | None = None


def check_password(stored_hash: str | None, password: str) -> PasswordCheck:
    """Check `password` against `stored_hash` (None: an unknown user, checked against a
    dummy so it costs the same). Call with no transaction open; raises VerifierBusy."""
    with _verifier_slot():
        try:
            ok = _hasher.verify(stored_hash or _dummy_hash(), password)
        except (VerificationError, InvalidHashError):
            ok = False
        ok = ok and stored_hash is not None
        rehash = None
        if ok and _hasher.check_needs_rehash(stored_hash or ""):
            rehash = _hasher.hash(password)
    return PasswordCheck(ok=ok, rehash=rehash)


def hash_password(password: str) -> str:
    """The argon2 hash of a new password; AccountError("password_short") if too short.
    Call with no transaction open (it takes as long as a check)."""
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_short")
    with _verifier_slot():
        return _hasher.hash(password)


def set_password_hash(
    *, session: Session, user_id: int, password_hash: str, keep_token: str = ""
) -> None:
    """Store a new password hash and end the account's sessions but `keep_token`'s (the
    browser that changed its own password stays signed in). The caller commits."""
    session.exec(  # type: ignore[call-overload]
        update(User).where(User.id == user_id).values(password_hash=password_hash)
    )
    end_user_sessions(session=session, user_id=user_id, keep_token=keep_token)


def set_disabled(*, session: Session, user_id: int, disabled: bool, by: User) -> User:
    """Disable an account (its sessions end at once) or enable it again; the caller
    commits. Refused (AccountError) for one's own account, and for the last enabled
    administrator, so the desk can never lock out everyone who manages it."""
    user = session.get(User, user_id)
    if user is None:
        raise AccountError("user_unknown")
    if user.id == by.id:
        raise AccountError("self")
    if disabled and user.disabled_at is None:
        if user.role == "administrator" and _enabled_admins(session) <= 1:
            raise AccountError("last_admin")
        user.disabled_at = utcnow()
        end_user_sessions(session=session, user_id=user_id)
    elif not disabled:
        user.disabled_at = None
    session.add(user)
    return user


def _enabled_admins(session: Session) -> int:
    query = select(func.count()).where(User.role == "administrator", User.disabled_at.is_(None))  # type: ignore[union-attr]
    return session.exec(query).one()


def end_user_sessions(*, session: Session, user_id: int, keep_token: str = "") -> None:
    """Delete every session of an account (but `keep_token`'s); the caller commits."""
    query = delete(UserSession).where(UserSession.user_id == user_id)  # type: ignore[arg-type]
    if keep_token:
        query = query.where(UserSession.token_hash != hash_token(keep_token))  # type: ignore[arg-type]
    session.exec(query)  # type: ignore[call-overload]


def start_session(*, session: Session, user: User) -> tuple[str, str]:
    """Open a browser session for `user`: returns (cookie token, CSRF token)."""
    assert user.id is not None
    token = secrets.token_urlsafe(32)
    csrf = secrets.token_urlsafe(32)
    now = utcnow()
    # Expired sessions of anyone are swept here, the one moment sessions are written anyway.
    session.exec(delete(UserSession).where(UserSession.expires_at < now))  # type: ignore[call-overload]
    session.add(
        UserSession(
            token_hash=hash_token(token),
            user_id=user.id,
            csrf_token=csrf,
            created_at=now,
            expires_at=now + SESSION_LIFETIME,
        )
    )
    return token, csrf


def session_user(*, session: Session, token: str) -> tuple[UserSession, User] | None:
    """The live session and its enabled user for a cookie token, or None."""
    if not token:
        return None
    row = session.exec(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)  # type: ignore[arg-type]
        .where(UserSession.token_hash == hash_token(token))
    ).first()
    if row is None:
        return None
    user_session, user = row
    if user_session.expires_at <= utcnow() or user.disabled_at is not None:
        return None
    return user_session, user


def csrf_matches(expected: str, given: str) -> bool:
    """Constant-time comparison of a form's whole CSRF token with the session's: a
    prefix, an empty or a longer token never matches."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode())


def end_session(*, session: Session, token: str) -> None:
    """Sign out: delete the session row (the cookie is cleared by the caller)."""
    session.exec(  # type: ignore[call-overload]
        delete(UserSession).where(UserSession.token_hash == hash_token(token))
    )
