"""What the sync needs from the tablet database: the records to send, the server's
outcomes, and the keys behind reconciliation (docs/protocol.md).

A part of `Store` (field_app/store.py), which owns the connection, its lock and the key.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from enrolment.protocol import record_from_wire
from enrolment.records import Enrolment
from field_app import sealing
from field_app.sealing import ad, seal, unseal
from field_app.vault import Vault

PENDING = "pending"  # Status.PENDING
SENT = "sent"  # Status.SENT
#: Settings a revoked tablet forgets: it must pair again before it sends anything.
_CREDENTIALS = ("device_token", "device_id", "pull_cursor", "roster_salt")


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class SyncState:
    """The sync's share of the tablet database (mixed into `Store`)."""

    _lock: threading.RLock
    _db: sqlite3.Connection
    _tx: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _key: Callable[[], Vault | None]
    _index: Any

    def pending(self, limit: int) -> list[Enrolment]:
        """The oldest records still waiting to be sent."""
        return [record for record, _ in self.pending_wire(limit)]

    def pending_wire(self, limit: int) -> list[tuple[Enrolment, dict[str, Any]]]:
        """The oldest records still waiting to be sent, each with its wire form exactly as
        stored (what is sent is what was saved, byte for byte the same JSON values)."""
        vault = self._key()
        with self._lock:
            rows = self._db.execute(
                "SELECT client_id, payload FROM enrolments WHERE status=? "
                "ORDER BY created_at, client_id LIMIT ?",
                (PENDING, limit),
            ).fetchall()
        wires = [json.loads(unseal(vault, p, ad("enrolments", "payload", c))) for c, p in rows]
        return [(record_from_wire(wire), wire) for wire in wires]

    def oldest_pending_at(self) -> str | None:
        """When the longest-waiting record still to be sent was saved (UTC, as stored),
        None when nothing waits: home says "3 waiting to be sent since ...". Its last
        save counts, because that version is the one that has not reached the server.
        Reads no personal data, so it needs no key."""
        with self._lock:
            row = self._db.execute(
                "SELECT MIN(updated_at) FROM enrolments WHERE status=?", (PENDING,)
            ).fetchone()
        return row[0]

    def record_outcomes(
        self, outcomes: list[tuple[str, int, str, str | None, str | None, str]]
    ) -> int:
        """Apply server outcomes `(client_id, version, status, member_no, card, problems_json)`.

        Only rows still at that version change: an edit made while the batch was in
        flight has a newer version and stays pending. Returns rows changed.
        """
        changed = 0
        vault, stamp = self._key(), now_iso()
        with self._tx() as db:
            for cid, ver, status, member_no, card, problems in outcomes:
                member_no = seal(vault, member_no, ad("enrolments", "member_no", cid))
                card = seal(vault, card, ad("enrolments", "card_token", cid))
                problems = sealing.sealed_problems(vault, cid, problems)
                cur = db.execute(
                    """UPDATE enrolments SET status=?, member_no=COALESCE(?, member_no),
                           card_token=COALESCE(?, card_token), problems=?, updated_at=?,
                           sent_at=CASE WHEN ?='sent' THEN ? ELSE sent_at END
                       WHERE client_id=? AND version=?""",
                    (status, member_no, card, problems, stamp, status, stamp, cid, ver),
                )
                changed += cur.rowcount
        return changed

    # -- reconciliation (docs/protocol.md) --------------------------------------
    def delivered_keys(self) -> list[tuple[str, int]]:
        """`(cid, ver)` of every record the server has answered (sent, conflict, rejected)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT client_id, version FROM enrolments WHERE status<>?", (PENDING,)
            ).fetchall()
        return [(r[0], int(r[1])) for r in rows]

    def delivered_count(self) -> int:
        """How many records the server has answered."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM enrolments WHERE status<>?", (PENDING,)
            ).fetchone()
        return int(row[0])

    def resend(self, keys: Collection[tuple[str, int]]) -> int:
        """Make these delivered records pending again (the server lost them), keeping
        their member number and card until the server answers anew. Returns how many."""
        changed = 0
        with self._tx() as db:
            for cid, ver in keys:
                cur = db.execute(
                    "UPDATE enrolments SET status=? WHERE client_id=? AND version=? AND status<>?",
                    (PENDING, cid, ver, PENDING),
                )
                changed += cur.rowcount
        return changed

    # -- minimisation (UU PDP) -----------------------------------------------------
    def wipe_delivered(self) -> int:
        """This tablet was revoked: delete what the server already holds (the records it
        accepted, with their cards), the NIK roster and the credentials. Records it never
        accepted (waiting, or set aside for a correction) stay, sealed, to be handed over
        after pairing again; drafts stay too. Returns how many records were deleted."""
        with self._tx() as db:
            deleted = db.execute("DELETE FROM enrolments WHERE status=?", (SENT,)).rowcount
            # So do the attendance and visits it recorded, and the names of the due list.
            db.execute("DELETE FROM activities WHERE status=?", (SENT,))
            db.execute("DELETE FROM umkm_due")
            db.execute("DELETE FROM roster_buckets")
            db.execute("DELETE FROM roster_units")
            marks = ",".join("?" * len(_CREDENTIALS))
            db.execute(f"DELETE FROM settings WHERE key IN ({marks})", _CREDENTIALS)
        self._index = None  # rebuilt without them at the next search
        return deleted

    def purge_sent_before(self, cutoff_iso: str) -> int:
        """Delete records the server accepted that were enrolled before `cutoff_iso` (the
        server's retention period for tablets): the member is on the server, and the
        officer's lists (today, recent work) do not reach that far. Returns how many."""
        with self._tx() as db:
            deleted = db.execute(
                "DELETE FROM enrolments WHERE status=? AND created_at<?", (SENT, cutoff_iso)
            ).rowcount
        if deleted:
            self._index = None
        return deleted

    def kecamatan_codes(self) -> list[str]:
        """The kecamatan this tablet has enrolled in: the roster it asks the server for."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT substr(village_code, 1, 8) FROM enrolments ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]
