"""The home list's filters as SQL: a part of the tablet store's query (field_app/store.py)."""

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
