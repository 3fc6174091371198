"""Unfinished forms in the tablet database, sealed like the records they become.

A part of `Store` (field_app/store.py), which owns the connection, its lock and the key.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from field_app.sealing import ad, seal, unseal
from field_app.store_sync import now_iso
from field_app.vault import Vault


@dataclass(frozen=True)
class Draft:
    """An unfinished form, kept so the officer can leave and come back (even after a restart)."""

    draft_id: str
    title: str  # what the home screen shows, e.g. the name typed so far
    payload: dict[str, Any]  # the form's fields (EnrolmentForm.to_draft)
    updated_at: str


class Drafts:
    """The drafts' share of the tablet database (mixed into `Store`)."""

    _lock: threading.RLock
    _db: sqlite3.Connection
    _tx: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _key: Callable[[], Vault | None]

    def save_draft(self, draft_id: str, title: str, payload: dict[str, Any]) -> None:
        """Store (or overwrite) an unfinished form."""
        vault = self._key()
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        stamp = now_iso()
        with self._tx() as db:
            db.execute(
                "INSERT INTO drafts(draft_id, title, payload, updated_at) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(draft_id) DO UPDATE SET title=excluded.title, "
                "payload=excluded.payload, updated_at=excluded.updated_at",
                (
                    draft_id,
                    seal(vault, title, ad("drafts", "title", draft_id)),
                    seal(vault, text, ad("drafts", "payload", draft_id)),
                    stamp,
                ),
            )

    def drafts(self) -> list[Draft]:
        """Unfinished forms, most recently touched first."""
        vault = self._key()
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM drafts ORDER BY updated_at DESC, draft_id"
            ).fetchall()
        return [_draft(vault, r) for r in rows]

    def get_draft(self, draft_id: str) -> Draft | None:
        """One draft by id."""
        vault = self._key()
        with self._lock:
            r = self._db.execute("SELECT * FROM drafts WHERE draft_id=?", (draft_id,)).fetchone()
        return _draft(vault, r) if r else None

    def delete_draft(self, draft_id: str) -> None:
        """Discard a draft (works while locked: it reveals nothing)."""
        with self._tx() as db:
            db.execute("DELETE FROM drafts WHERE draft_id=?", (draft_id,))


def _draft(vault: Vault | None, row: sqlite3.Row) -> Draft:
    did = row["draft_id"]
    return Draft(
        did,
        unseal(vault, row["title"], ad("drafts", "title", did)),
        json.loads(unseal(vault, row["payload"], ad("drafts", "payload", did))),
        row["updated_at"],
    )
