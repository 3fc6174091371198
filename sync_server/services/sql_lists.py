"""`column IN (a list)` bound as ONE parameter, for the ingest's 500-value lookups.

SQLAlchemy expands `column.in_(values)` into one placeholder per value at every
execution: for 500 NIKs that is a fresh SQL string to render and bind each time (a
tenth of the ingest's time went there). Bound as one value instead, the statement
stays the same, its compiled form is cached, and the list travels as one parameter:
a JSON array read by `json_each` on SQLite (an index search per value, see EXPLAIN
QUERY PLAN), an array compared with `= ANY` on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlmodel import Session


def in_list(session: Session, column: Any, values: Sequence[Any]) -> Any:
    """A WHERE clause: `column` is one of `values` (strings or integers)."""
    if session.get_bind().dialect.name == "postgresql":
        array = sa.bindparam(None, list(values), type_=postgresql.ARRAY(column.type))
        return column == sa.any_(array)
    listed = sa.select(sa.column("value")).select_from(
        sa.func.json_each(sa.bindparam(None, json.dumps(list(values)), type_=sa.String))
    )
    return column.in_(listed)
