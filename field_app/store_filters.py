"""The home list's filters and a plaintext file's text search as SQL: parts of the tablet
store's query (field_app/store.py)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any


def home_filters(
    village: str, segment: str, status: str | Collection[str]
) -> tuple[list[str], list[Any]]:
    """The home list's filters (village, segment, one status or several) as SQL
    conditions on `enrolments` and their arguments."""
    where: list[str] = []
    args: list[Any] = []
    for column, value in (("village_code", village), ("segment", segment)):
        if value:
            where.append(f"{column} = ?")
            args.append(value)
    statuses = [status] if isinstance(status, str) else list(status)
    statuses = [s for s in statuses if s]
    if statuses:
        where.append(f"status IN ({', '.join('?' * len(statuses))})")
        args += statuses
    return where, args


def plain_text_condition(query: str) -> tuple[list[str], list[Any]]:
    """A search of a plaintext file's own columns: digits match the start of a NIK (its
    index range), anything else part of a name (LIKE: any case, for ASCII). Used where
    the in-memory index found too many records to list: the name index, read newest
    first, reaches a page of them long before the end."""
    q = query.strip()
    digits = q.replace(" ", "")
    if digits.isdigit():
        # Same as `nik LIKE 'q%'` but able to use the index on nik (':' sorts after '9').
        return ["nik >= ? AND nik < ?"], [digits, digits + ":"]
    escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return ["full_name LIKE ? ESCAPE '\\'"], [f"%{escaped}%"]
