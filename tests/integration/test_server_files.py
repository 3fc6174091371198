"""The server's files are its own (issue 10): DATA_DIR 0700, the SQLite database and
the generated secret 0600, and no statement parameter (a NIK) in an error or a log."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlalchemy as sa

from sync_server.config import Settings
from sync_server.db import make_engine
from tests.conftest import person
from tests.integration.conftest import Server


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_data_dir_and_database_are_private(server: Server) -> None:
    token = server.pair()
    assert server.push(token, [person(1)]).status_code == 200  # the WAL files exist now
    data_dir = Path(server.env["DATA_DIR"])
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "secret_key") == 0o600
    if server.database_url.startswith("sqlite"):
        db = Path(sa.make_url(server.database_url).database or "")
        for path in (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")):
            if path.exists():
                assert _mode(path) == 0o600, path


def test_a_new_data_dir_is_made_private(tmp_path: Path) -> None:
    data_dir = tmp_path / "nested" / "server"
    old = os.umask(0o022)
    try:
        settings = Settings.from_env({"DATA_DIR": str(data_dir)})
        engine = make_engine(settings.database_url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    finally:
        os.umask(old)
    assert _mode(data_dir) == 0o700
    assert _mode(data_dir / "server.db") == 0o600


def test_statement_parameters_never_reach_an_error_message(tmp_path: Path) -> None:
    nik = "5203071708850001"
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("CREATE TABLE people (nik TEXT UNIQUE)"))
            conn.execute(sa.text("INSERT INTO people VALUES (:nik)"), {"nik": nik})
        with pytest.raises(sa.exc.IntegrityError) as caught, engine.begin() as conn:
            conn.execute(sa.text("INSERT INTO people VALUES (:nik)"), {"nik": nik})
    finally:
        engine.dispose()
    assert nik not in str(caught.value)
    assert "hidden due to hide_parameters" in str(caught.value)
