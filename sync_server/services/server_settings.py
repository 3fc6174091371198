"""Server-wide values made once and kept in the database (for now: the roster salt)."""

from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlmodel import Session

from sync_server.db import dialect_insert
from sync_server.models import ServerSetting, utcnow

ROSTER_SALT = "roster_salt"


def load_or_create(session: Session, name: str, make: bytes) -> bytes:
    """The stored value of `name`, storing `make` first if there is none.

    Race-free like the signing key: concurrent starters all INSERT … ON CONFLICT DO
    NOTHING and then read the one value that won.
    """
    insert = dialect_insert(session)
    session.execute(
        insert(ServerSetting)
        .values(name=name, value=make, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["name"])
    )
    session.commit()  # startup: created once, before any request, whoever wins the race
    return session.execute(
        select(ServerSetting.value).where(ServerSetting.name == name)
    ).scalar_one()


def roster_salt(session: Session) -> bytes:
    """The salt of the NIK roster hashes (32 random bytes, the same for every tablet)."""
    return load_or_create(session, ROSTER_SALT, secrets.token_bytes(32))
