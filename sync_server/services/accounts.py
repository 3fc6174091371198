"""Desk accounts and browser sessions.

Passwords are hashed with argon2id (argon2-cffi's defaults). A session is a random
256-bit token in an HttpOnly cookie; the database keeps only its SHA-256, so a copy
of the database does not let anyone sign in. Each session also carries its own CSRF
token, which every POST form echoes in a hidden field.
"""

from __future__ import annotations

import hmac
import re
import secrets
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, delete, select

from sync_server.models import User, UserSession, utcnow
from sync_server.services.devices import hash_token

ROLES = ("coordinator", "administrator")
SESSION_LIFETIME = timedelta(hours=12)  # one working day at the district office
MIN_PASSWORD = 10
_USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")

_hasher = PasswordHasher()
# Verified when the username is unknown, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


class AccountError(ValueError):
    """A user could not be created; `code` names why (for bilingual messages)."""

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
    if len(password) < MIN_PASSWORD:
        raise AccountError("password_short")
    if role not in ROLES:
        raise AccountError("role_invalid")
    if session.exec(select(User).where(User.username == username)).first() is not None:
        raise AccountError("username_taken")
    user = User(
        username=username,
        display_name=display_name.strip()[:100] or username,
        password_hash=_hasher.hash(password),
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


def authenticate(*, session: Session, username: str, password: str) -> User | None:
    """The enabled user with this username and password, or None."""
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok or user is None or user.disabled_at is not None:
        return None
    if _hasher.check_needs_rehash(user.password_hash):  # parameters raised since
        user.password_hash = _hasher.hash(password)
        session.add(user)
        session.commit()
    return user


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
    session.commit()
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
    """Constant-time comparison of a form's CSRF token with the session's."""
    return bool(given) and hmac.compare_digest(expected.encode(), given.encode())


def end_session(*, session: Session, token: str) -> None:
    """Sign out: delete the session row (the cookie is cleared by the caller)."""
    session.exec(  # type: ignore[call-overload]
        delete(UserSession).where(UserSession.token_hash == hash_token(token))
    )
    session.commit()
