"""A push's token and signer lookups neither take nor wait for SQLite's write lock."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session

from sync_server.db import begin_read, make_engine


def test_a_read_begun_as_such_does_not_wait_for_a_writer(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    engine = make_engine(f"sqlite:///{path}")
    # After make_engine's own: waits for the write lock end in 0.1 s, not 20 s.
    sa.event.listen(engine, "connect", lambda c, _r: c.execute("PRAGMA busy_timeout=100"))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE t (i INTEGER)")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another push holds the write lock
    try:
        with Session(engine) as session:
            begin_read(session)
            started = time.monotonic()
            assert session.execute(sa.text("SELECT count(*) FROM t")).scalar_one() == 0
            assert time.monotonic() - started < 1.0
            session.rollback()
            # The next transaction of the same session is an ordinary one again: it
            # waits for the write lock (BEGIN IMMEDIATE), here in vain.
            with pytest.raises(sa.exc.OperationalError, match="locked"):
                session.execute(sa.text("INSERT INTO t VALUES (1)"))
    finally:
        writer.rollback()
        writer.close()
