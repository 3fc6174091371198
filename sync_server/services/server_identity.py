"""Who this server is, and which restore of it: carried by every sync reply as `srv`.

`server_id` is made once with the database; `generation` grows by one at every
restore from a backup (`python -m sync_server restore`). A tablet that sees another
identity than the one it last spoke to (a wiped server is a new `server_id`; a
restored one has a new generation) offers back every record it holds as delivered
(docs/protocol.md, Reconciliation).

Member numbers and card serials are ids. A restored database has forgotten the
ids issued after its backup, while printed cards and tablets still carry them, so
a restore moves the next ids to a fresh block: generation g numbers from
(g - 1) · BLOCK + 1 (and always above the highest id present). PostgreSQL takes
that as `setval` on the sequences; SQLite (whose next rowid is max + 1) gets the
first ids after a restore explicitly (`explicit_ids`).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.card_token import b64e
from sync_server.models import ServerSetting, utcnow
from sync_server.services.server_settings import load_or_create

SERVER_ID = "server_id"
GENERATION = "generation"
#: Ids a generation may use before the next one's block (far above a regency's needs).
BLOCK = 10_000_000
#: Tables whose ids are printed (member numbers, card serials).
NUMBERED = ("members", "cards")

_SETTINGS = ServerSetting.__table__  # type: ignore[attr-defined]
# Per process: tables whose ids already passed their floor (the floor only moves at a
# restore, which is done with the server stopped).
_FLOOR_PASSED: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class ServerIdentity:
    """This database's identity and restore generation."""

    server_id: str
    generation: int

    def wire(self) -> str:
        """As it travels: `<server_id>.<generation>`."""
        return f"{self.server_id}.{self.generation}"


def load_identity(session: Session) -> ServerIdentity:
    """The identity, created on the first start of a new database (commits)."""
    server_id = load_or_create(session, SERVER_ID, b64e(secrets.token_bytes(6)).encode())
    generation = load_or_create(session, GENERATION, b"1")
    return ServerIdentity(server_id.decode("ascii"), int(generation))


def _floor_name(table: str) -> str:
    return f"{table}_id_floor"


def _setting(session: Session, name: str) -> bytes | None:
    return session.execute(
        sa.select(_SETTINGS.c.value).where(_SETTINGS.c.name == name)
    ).scalar_one_or_none()


def _put(session: Session, name: str, value: bytes) -> None:
    updated = session.execute(
        sa.update(_SETTINGS).where(_SETTINGS.c.name == name).values(value=value)
    )
    if updated.rowcount == 0:
        session.execute(sa.insert(_SETTINGS).values(name=name, value=value, created_at=utcnow()))


def explicit_ids(session: Session, table: sa.Table, n: int) -> list[int] | None:
    """Ids for `n` new rows of a numbered table on SQLite right after a restore, else None
    (the database's own numbering is right). Safe: SQLite has one writer at a time."""
    bind = session.get_bind()
    key = (str(bind.url), table.name)
    if bind.dialect.name != "sqlite" or key in _FLOOR_PASSED or n == 0:
        return None
    raw = _setting(session, _floor_name(table.name))
    top = session.execute(sa.select(sa.func.coalesce(sa.func.max(table.c.id), 0))).scalar_one()
    if raw is None or top >= int(raw):
        _FLOOR_PASSED.add(key)
        return None
    return list(range(int(raw), int(raw) + n))


def start_generation(session: Session, at_least: int = 0) -> ServerIdentity:
    """After a restore: the next generation, and its id block for members and cards.

    `at_least`: a generation known to have been used already (e.g. by the database
    the restore replaced), so restoring the same backup twice still moves on. The
    caller (the restore command, one unit of work) commits.
    """
    current = load_identity(session)
    generation = max(current.generation, at_least) + 1
    _put(session, GENERATION, str(generation).encode())
    for table in NUMBERED:
        top = session.execute(sa.text(f"SELECT coalesce(max(id), 0) FROM {table}")).scalar_one()
        floor = max(int(top) + 1, (generation - 1) * BLOCK + 1)
        _put(session, _floor_name(table), str(floor).encode())
        if session.get_bind().dialect.name == "postgresql":
            session.execute(
                sa.text("SELECT setval(pg_get_serial_sequence(:t, 'id'), :v, false)"),
                {"t": table, "v": floor},
            )
    return ServerIdentity(current.server_id, generation)
