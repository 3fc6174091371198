"""The tablet's local database: every enrolment and setting, in one SQLite file.

Durability first: WAL journal with `synchronous=FULL`, so a record is on disk
when `save_enrolment` returns, and survives the app being killed or the power
going. The schema carries a version (`PRAGMA user_version`) and is migrated on
open, in place, without losing a row.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from enrolment.protocol import record_from_wire, record_to_wire
from enrolment.records import Enrolment
from field_app.server_knowledge import ServerKnowledge
from field_app.store_schema import MIGRATIONS

__all__ = ["MIGRATIONS", "Draft", "Status", "Store", "StoredEnrolment", "now_iso"]


class Status:
    """Where a record stands. Stored as text; see the i18n keys `status_*`."""

    PENDING = "pending"  # saved, not yet accepted by the server ("belum terkirim")
    SENT = "sent"  # accepted: has a member number and card
    CONFLICT = "conflict"  # NIK known with another identity: coordinator reviews
    REJECTED = "rejected"  # server found it invalid: officer must correct
    ATTENTION = (CONFLICT, REJECTED)  # what the officer must look at ("perlu perhatian")


@dataclass(frozen=True)
class StoredEnrolment:
    """A record as the tablet holds it, with its sync state."""

    record: Enrolment
    status: str
    member_no: str | None
    card_token: str | None
    problems: list[dict[str, str]]
    updated_at: str


@dataclass(frozen=True)
class Draft:
    """An unfinished form, kept so the officer can leave and come back (even after a restart)."""

    draft_id: str
    title: str  # what the home screen shows, e.g. the name typed so far
    payload: dict[str, Any]  # the form's fields (EnrolmentForm.to_draft)
    updated_at: str


def now_iso() -> str:
    """Current UTC time, ISO 8601 with seconds."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


class Store(ServerKnowledge):
    """Thread-safe access to the tablet database (UI thread and sync worker share it)."""

    def __init__(self, path: Path | str):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute("PRAGMA busy_timeout=5000")
        self._migrate()

    def close(self) -> None:
        """Close the database file."""
        with self._lock:
            self._db.close()

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _migrate(self) -> None:
        with self._tx() as db:
            current = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[current:], start=current + 1):
                for statement in filter(str.strip, script.split(";")):
                    db.execute(statement)
                db.execute(f"PRAGMA user_version={number}")

    @property
    def schema_version(self) -> int:
        """The schema version of the open file."""
        with self._lock:
            return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    # -- settings ---------------------------------------------------------
    def get_setting(self, key: str, default: str = "") -> str:
        """A stored setting, or `default`."""
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    def set_settings(self, **values: str) -> None:
        """Store several settings in one transaction."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO settings(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                list(values.items()),
            )

    # -- enrolments -------------------------------------------------------
    def save_enrolment(self, record: Enrolment) -> None:
        """Insert a new record, or replace an unsent/returned one, as pending."""
        self.save_enrolments([record])

    def save_enrolments(self, records: list[Enrolment], *, draft_id: str = "") -> None:
        """Save records (e.g. every member of a household) as pending in ONE transaction,
        and drop the draft they came from in the same transaction: on disk either the
        whole household and no draft, or nothing new and the draft."""
        stamp = now_iso()
        rows = [
            (
                r.client_id,
                r.version,
                json.dumps(record_to_wire(r), ensure_ascii=False, separators=(",", ":")),
                Status.PENDING,
                r.nik,
                r.full_name,
                r.village_code,
                r.segment,
                r.created_at or stamp,
                stamp,
                r.household.head if r.household else None,
            )
            for r in records
        ]
        with self._tx() as db:
            db.executemany(
                """INSERT INTO enrolments(client_id, version, payload, status, nik, full_name,
                       village_code, segment, created_at, updated_at, household_head)
                   VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(client_id) DO UPDATE SET version=excluded.version,
                       payload=excluded.payload, status=excluded.status, nik=excluded.nik,
                       full_name=excluded.full_name, village_code=excluded.village_code,
                       segment=excluded.segment, problems='[]', updated_at=excluded.updated_at,
                       household_head=excluded.household_head""",
                rows,
            )
            if draft_id:
                db.execute("DELETE FROM drafts WHERE draft_id=?", (draft_id,))

    def _row(self, row: sqlite3.Row) -> StoredEnrolment:
        return StoredEnrolment(
            record=record_from_wire(json.loads(row["payload"])),
            status=row["status"],
            member_no=row["member_no"],
            card_token=row["card_token"],
            problems=json.loads(row["problems"]),
            updated_at=row["updated_at"],
        )

    def get(self, client_id: str) -> StoredEnrolment | None:
        """One record by its client id."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM enrolments WHERE client_id=?", (client_id,)
            ).fetchone()
        return self._row(row) if row else None

    def list_enrolments(
        self,
        query: str = "",
        limit: int = 200,
        *,
        village: str = "",
        segment: str = "",
        status: str | Collection[str] = "",
    ) -> list[StoredEnrolment]:
        """Newest first, optionally filtered by village, segment and status (one, or
        several such as `Status.ATTENTION`).

        `query` of digits matches the start of a NIK (an index range, so it stays fast
        on a full tablet); any other `query` matches part of a name, any case.
        """
        where: list[str] = []
        args: list[Any] = []
        q = query.strip()
        digits = q.replace(" ", "")
        if digits.isdigit():
            # Same as `nik LIKE 'q%'` but able to use the index on nik (':' sorts after '9').
            where.append("nik >= ? AND nik < ?")
            args += [digits, digits + ":"]
        elif q:
            where.append("full_name LIKE ? ESCAPE '\\'")
            escaped = q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            args.append(f"%{escaped}%")
        for column, value in (("village_code", village), ("segment", segment)):
            if value:
                where.append(f"{column} = ?")
                args.append(value)
        statuses = [status] if isinstance(status, str) else list(status)
        statuses = [s for s in statuses if s]
        if statuses:
            where.append(f"status IN ({_marks(statuses)})")
            args += statuses
        sql = "SELECT * FROM enrolments"
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY created_at DESC, client_id LIMIT ?"
        args.append(limit)
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [self._row(r) for r in rows]

    def household(self, head_client_id: str) -> list[StoredEnrolment]:
        """Every record of one household, the anchor first, then in the order added."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM enrolments WHERE household_head=? "
                "ORDER BY client_id<>household_head, rowid",
                (head_client_id,),
            ).fetchall()
        return [self._row(r) for r in rows]

    def villages_used(self) -> list[str]:
        """The village codes this tablet has enrolled in (for the home filter)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT village_code FROM enrolments ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]

    def count_since(self, since_iso: str) -> int:
        """How many records were created at or after `since_iso` (today's work)."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM enrolments WHERE created_at >= ?", (since_iso,)
            ).fetchone()
        return int(row[0])

    # -- drafts ---------------------------------------------------------------
    def save_draft(self, draft_id: str, title: str, payload: dict[str, Any]) -> None:
        """Store (or overwrite) an unfinished form."""
        text = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        with self._tx() as db:
            db.execute(
                "INSERT INTO drafts(draft_id, title, payload, updated_at) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(draft_id) DO UPDATE SET title=excluded.title, "
                "payload=excluded.payload, updated_at=excluded.updated_at",
                (draft_id, title, text, now_iso()),
            )

    def drafts(self) -> list[Draft]:
        """Unfinished forms, most recently touched first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM drafts ORDER BY updated_at DESC, draft_id"
            ).fetchall()
        return [_draft(r) for r in rows]

    def get_draft(self, draft_id: str) -> Draft | None:
        """One draft by id."""
        with self._lock:
            r = self._db.execute("SELECT * FROM drafts WHERE draft_id=?", (draft_id,)).fetchone()
        return _draft(r) if r else None

    def delete_draft(self, draft_id: str) -> None:
        """Discard a draft."""
        with self._tx() as db:
            db.execute("DELETE FROM drafts WHERE draft_id=?", (draft_id,))

    def count_by_status(self) -> dict[str, int]:
        """How many records are in each status (absent when none), drafts under `"draft"`."""
        with self._lock:
            rows = self._db.execute(
                "SELECT status, COUNT(*) FROM enrolments GROUP BY status"
            ).fetchall()
            drafts = self._db.execute("SELECT COUNT(*) FROM drafts").fetchone()[0]
        counts = {r[0]: r[1] for r in rows}
        if drafts:
            counts["draft"] = drafts
        return counts

    def nik_exists(self, nik: str, except_client_id: str = "") -> bool:
        """True if another record on this tablet has this NIK."""
        return bool(self.niks_taken([nik], [except_client_id]))

    def niks_taken(self, niks: Collection[str], except_client_ids: Collection[str]) -> set[str]:
        """Which of `niks` records on this tablet hold, other than `except_client_ids`
        (e.g. a household being saved again: its own records are no duplicates)."""
        niks, others = list(niks), list(except_client_ids) or [""]
        if not niks:
            return set()
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT nik FROM enrolments WHERE nik IN ({_marks(niks)})"
                f" AND client_id NOT IN ({_marks(others)})",
                [*niks, *others],
            ).fetchall()
        return {r[0] for r in rows}

    def pending(self, limit: int) -> list[Enrolment]:
        """The oldest records still waiting to be sent."""
        return [record for record, _ in self.pending_wire(limit)]

    def pending_wire(self, limit: int) -> list[tuple[Enrolment, dict[str, Any]]]:
        """The oldest records still waiting to be sent, each with its wire form exactly as
        stored (what is sent is what was saved, byte for byte the same JSON values)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT payload FROM enrolments WHERE status=? ORDER BY created_at, client_id "
                "LIMIT ?",
                (Status.PENDING, limit),
            ).fetchall()
        wires = [json.loads(r[0]) for r in rows]
        return [(record_from_wire(wire), wire) for wire in wires]

    def record_outcomes(
        self, outcomes: list[tuple[str, int, str, str | None, str | None, str]]
    ) -> int:
        """Apply server outcomes `(client_id, version, status, member_no, card, problems_json)`.

        Only rows still at that version change: an edit made while the batch was in
        flight has a newer version and stays pending. Returns rows changed.
        """
        changed = 0
        stamp = now_iso()
        with self._tx() as db:
            for cid, ver, status, member_no, card, problems in outcomes:
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
                "SELECT client_id, version FROM enrolments WHERE status<>?", (Status.PENDING,)
            ).fetchall()
        return [(r[0], int(r[1])) for r in rows]

    def delivered_count(self) -> int:
        """How many records the server has answered."""
        with self._lock:
            row = self._db.execute(
                "SELECT COUNT(*) FROM enrolments WHERE status<>?", (Status.PENDING,)
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
                    (Status.PENDING, cid, ver, Status.PENDING),
                )
                changed += cur.rowcount
        return changed

    def kecamatan_codes(self) -> list[str]:
        """The kecamatan this tablet has enrolled in: the roster it asks the server for."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT substr(village_code, 1, 8) FROM enrolments ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(row["draft_id"], row["title"], json.loads(row["payload"]), row["updated_at"])


def _marks(values: Collection[object]) -> str:
    """`?, ?, ?`: one SQL placeholder per value."""
    return ", ".join("?" * len(values))
