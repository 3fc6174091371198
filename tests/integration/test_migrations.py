"""The hand-written Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import sync_server.models  # noqa: F401  (registers the tables)
from sync_server.db import make_engine, migrate


def test_migrations_match_models_and_are_idempotent(database_url: str) -> None:
    migrate(database_url)
    migrate(database_url)  # a second start changes nothing
    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), SQLModel.metadata) == []
    finally:
        engine.dispose()
