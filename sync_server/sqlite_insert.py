"""`insert_rows` on SQLite: one multi-row INSERT as plain SQL on the driver's cursor.

SQLAlchemy's own path ("insertmanyvalues" with RETURNING) renders, binds and sorts
500 rows in Python at every batch: a fifth of the ingest's database time. Here the
statement text is made once per shape (table, columns, row count) and cached; each
value goes through its column type's bind processor, as SQLAlchemy would convert it
(dates and times to the same text), and RETURNING columns through their result
processors, so callers get the same values either way.
"""

from __future__ import annotations

from collections import namedtuple
from functools import lru_cache
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session

# SQLite's default limit on host parameters in one statement (since 3.32).
_MAX_PARAMS = 32_766


def sqlite_insert_rows(
    session: Session,
    table: Table,
    rows: list[dict[str, Any]],
    *,
    returning: tuple[str, ...] = (),
    on_conflict: tuple[str, ...] = (),
    conflict_where: str = "",
) -> list[Any]:
    """Insert `rows` (all with the same keys); the RETURNING rows as named tuples."""
    conn = session.connection()
    dialect = conn.dialect
    cols = tuple(rows[0])
    # The dialect's own implementation of each type: it knows SQLite's storage forms.
    binds = [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in cols]
    results = [
        table.c[c].type.dialect_impl(dialect).result_processor(dialect, None) for c in returning
    ]
    shape = namedtuple("Inserted", returning) if returning else None  # type: ignore[misc]
    out: list[Any] = []
    per = max(1, _MAX_PARAMS // len(cols))
    for start in range(0, len(rows), per):
        part = rows[start : start + per]
        sql = _statement(table.name, cols, len(part), returning, on_conflict, conflict_where)
        params: list[Any] = []
        for row in part:
            for c, bind in zip(cols, binds, strict=True):
                value = row[c]
                params.append(bind(value) if bind is not None and value is not None else value)
        cursor = conn.exec_driver_sql(sql, tuple(params))
        if shape is not None:
            for raw in cursor.fetchall():
                out.append(shape(*(f(v) if f else v for f, v in zip(results, raw, strict=True))))
    return out


@lru_cache(maxsize=64)
def _statement(
    name: str,
    cols: tuple[str, ...],
    n: int,
    returning: tuple[str, ...],
    on_conflict: tuple[str, ...],
    conflict_where: str,
) -> str:
    one = "(" + ",".join("?" * len(cols)) + ")"
    sql = f"INSERT INTO {name} ({', '.join(cols)}) VALUES " + ",".join([one] * n)
    if on_conflict:
        where = f" WHERE {conflict_where}" if conflict_where else ""
        sql += f" ON CONFLICT ({', '.join(on_conflict)}){where} DO NOTHING"
    if returning:
        sql += " RETURNING " + ", ".join(returning)
    return sql
