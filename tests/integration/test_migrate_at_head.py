"""Issue 15: `migrate` on a database already at head answers from `alembic_version`
alone (no Alembic loaded), and anything else still goes through Alembic."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory

from sync_server.db import _head_revisions, alembic_config, migrate

ROOT = Path(__file__).resolve().parents[2]


def test_heads_read_from_the_version_files_are_alembics() -> None:
    alembic_heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert _head_revisions() == frozenset(alembic_heads)


def _migrate_in_new_process(url: str) -> bool:
    """Migrate `url` in a fresh interpreter; True when it had to load Alembic."""
    code = (
        "import sys\n"
        "from sync_server.db import migrate\n"
        f"migrate({url!r})\n"
        "print('alembic' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    return out.stdout.strip().splitlines()[-1] == "True"


def test_a_database_at_head_is_checked_without_alembic(database_url: str) -> None:
    migrate(database_url)
    assert _migrate_in_new_process(database_url) is False


def test_a_database_behind_or_unknown_goes_to_alembic(database_url: str) -> None:
    migrate(database_url)
    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE alembic_version SET version_num = 'zz_unknown'"))
        # Alembic, not the shortcut, decides: it refuses a revision it does not know.
        with pytest.raises(Exception, match="zz_unknown"):
            migrate(database_url)
    finally:
        with engine.begin() as conn:
            heads = sorted(_head_revisions())
            conn.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": heads[0]})
        engine.dispose()
