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
from enrolment.roster import RosterUnit, common_modulus, decode_unit, parse_probe


class Status:
    """Where a record stands. Stored as text; see the i18n keys `status_*`."""

    PENDING = "pending"  # saved, not yet accepted by the server ("belum terkirim")
    SENT = "sent"  # accepted: has a member number and card
    CONFLICT = "conflict"  # NIK known with another identity: coordinator reviews
    REJECTED = "rejected"  # server found it invalid: officer must correct
    ATTENTION = (CONFLICT, REJECTED)  # what the officer must look at ("perlu perhatian")


# Each entry upgrades the schema by one version; never edit a released entry.
MIGRATIONS: list[str] = [
    """
    CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE enrolments (
        client_id   TEXT PRIMARY KEY,
        version     INTEGER NOT NULL,
        payload     TEXT NOT NULL,
        status      TEXT NOT NULL,
        nik         TEXT NOT NULL,
        full_name   TEXT NOT NULL,
        village_code TEXT NOT NULL,
        segment     TEXT NOT NULL,
        member_no   TEXT,
        card_token  TEXT,
        problems    TEXT NOT NULL DEFAULT '[]',
        created_at  TEXT NOT NULL,
        updated_at  TEXT NOT NULL
    );
    CREATE INDEX enrolments_status ON enrolments(status, created_at);
    CREATE INDEX enrolments_nik ON enrolments(nik);
    """,
    # 2: what the last pull brought: the server's public keys (offline card checks),
    # revoked card serials, and the hashed NIK roster (duplicate warnings before saving).
    """
    ALTER TABLE enrolments ADD COLUMN sent_at TEXT;
    CREATE TABLE public_keys (kid TEXT PRIMARY KEY, x TEXT NOT NULL);
    CREATE TABLE revoked_cards (serial INTEGER PRIMARY KEY);
    CREATE TABLE roster (hash TEXT PRIMARY KEY);
    """,
    # 3: drafts saved while the officer types; households (all members of one family
    # are found by their anchor's client id); indexes for the home screen's filters and
    # newest-first list over tens of thousands of records. (created_at, full_name) lets
    # a name search that matches nothing scan the index alone, not 50,000 payloads.
    """
    CREATE TABLE drafts (
        draft_id   TEXT PRIMARY KEY,
        title      TEXT NOT NULL,
        payload    TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    ALTER TABLE enrolments ADD COLUMN household_head TEXT;
    CREATE INDEX enrolments_household ON enrolments(household_head)
        WHERE household_head IS NOT NULL;
    CREATE INDEX enrolments_created_name ON enrolments(created_at, full_name);
    CREATE INDEX enrolments_village ON enrolments(village_code, created_at);
    CREATE INDEX enrolments_segment ON enrolments(segment, created_at);
    """,
    # 4: the NIK roster as lossy units (enrolment/roster.py). The 32-bit hashes of v2
    # let whoever holds the tablet list members' NIKs back: dropped, their pages zeroed
    # (secure_delete), with their salt; the next pull brings the roster anew.
    """
    PRAGMA secure_delete=ON;
    DROP TABLE roster;
    DELETE FROM settings WHERE key='roster_salt';
    CREATE TABLE roster_units (
        unit    TEXT PRIMARY KEY,
        prefix  TEXT NOT NULL,
        modulus INTEGER NOT NULL
    );
    CREATE INDEX roster_units_prefix ON roster_units(prefix);
    CREATE TABLE roster_buckets (
        unit   TEXT NOT NULL,
        bucket INTEGER NOT NULL,
        PRIMARY KEY (unit, bucket)
    ) WITHOUT ROWID;
    """,
]


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


class Store:
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
        with self._lock:
            rows = self._db.execute(
                "SELECT payload FROM enrolments WHERE status=? ORDER BY created_at, client_id "
                "LIMIT ?",
                (Status.PENDING, limit),
            ).fetchall()
        return [record_from_wire(json.loads(r[0])) for r in rows]

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

    def save_public_keys(self, keys: dict[str, str]) -> None:
        """Cache the server's card-signing keys (also done by every pull)."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO public_keys(kid, x) VALUES(?, ?) "
                "ON CONFLICT(kid) DO UPDATE SET x=excluded.x",
                list(keys.items()),
            )

    # -- what the server tells every tablet (pull) -----------------------------
    def apply_pull(
        self,
        *,
        cursor: str,
        keys: dict[str, str],
        revoked: list[int],
        roster: list[str],
        roster_full: bool,
    ) -> None:
        """Store one pull's keys, revocations, roster and the new cursor atomically."""
        with self._tx() as db:
            db.executemany(
                "INSERT INTO public_keys(kid, x) VALUES(?, ?) "
                "ON CONFLICT(kid) DO UPDATE SET x=excluded.x",
                list(keys.items()),
            )
            db.executemany(
                "INSERT OR IGNORE INTO revoked_cards(serial) VALUES(?)", [(s,) for s in revoked]
            )
            if roster_full:
                db.execute("DELETE FROM roster_buckets")
                db.execute("DELETE FROM roster_units")
            for unit in filter(None, map(decode_unit, roster)):
                _merge_roster_unit(db, unit)
            db.execute(
                "INSERT INTO settings(key, value) VALUES('pull_cursor', ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                (cursor,),
            )

    def public_keys(self) -> dict[str, str]:
        """The server's card-signing public keys by key id (base64url), as last pulled."""
        with self._lock:
            return dict(self._db.execute("SELECT kid, x FROM public_keys").fetchall())

    def is_revoked(self, serial: int) -> bool:
        """True if the server has revoked this card serial (as of the last pull)."""
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM revoked_cards WHERE serial=?", (serial,)
            ).fetchone()
        return row is not None

    def in_roster(self, probe: str) -> bool:
        """True if the NIK behind `probe` (`enrolment.roster.roster_hash`) *may* be known
        to the server: a roster unit of its prefix holds its bucket. Every NIK the server
        knows in this tablet's area is; so is a share of strangers' (false alarms)."""
        parsed = parse_probe(probe)
        if parsed is None:
            return False
        prefix, value = parsed
        with self._lock:
            units = self._db.execute(
                "SELECT unit, modulus FROM roster_units WHERE prefix=?", (prefix,)
            ).fetchall()
            return any(
                self._db.execute(
                    "SELECT 1 FROM roster_buckets WHERE unit=? AND bucket=?",
                    (unit, value % modulus),
                ).fetchone()
                for unit, modulus in units
            )

    def kecamatan_codes(self) -> list[str]:
        """The kecamatan this tablet has enrolled in: the roster it asks the server for."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT substr(village_code, 1, 8) FROM enrolments ORDER BY 1"
            ).fetchall()
        return [r[0] for r in rows]


def _merge_roster_unit(db: sqlite3.Connection, unit: RosterUnit) -> None:
    """Add a pulled unit's buckets. A delta may come with another modulus than the one
    stored (the unit grew): both sides are reduced to the common one, never refined,
    so no NIK the roster held stops warning."""
    row = db.execute("SELECT modulus FROM roster_units WHERE unit=?", (unit.unit_id,)).fetchone()
    modulus = unit.modulus if row is None else common_modulus(int(row[0]), unit.modulus)
    if row is None:
        db.execute(
            "INSERT INTO roster_units(unit, prefix, modulus) VALUES(?, ?, ?)",
            (unit.unit_id, unit.prefix, modulus),
        )
    elif modulus != int(row[0]):
        old = db.execute("SELECT bucket FROM roster_buckets WHERE unit=?", (unit.unit_id,))
        kept = {int(r[0]) % modulus for r in old.fetchall()}
        db.execute("DELETE FROM roster_buckets WHERE unit=?", (unit.unit_id,))
        _add_buckets(db, unit.unit_id, kept)
        db.execute("UPDATE roster_units SET modulus=? WHERE unit=?", (modulus, unit.unit_id))
    _add_buckets(db, unit.unit_id, {b % modulus for b in unit.buckets})


def _add_buckets(db: sqlite3.Connection, unit_id: str, buckets: Collection[int]) -> None:
    db.executemany(
        "INSERT OR IGNORE INTO roster_buckets(unit, bucket) VALUES(?, ?)",
        [(unit_id, b) for b in sorted(buckets)],
    )


def _draft(row: sqlite3.Row) -> Draft:
    return Draft(row["draft_id"], row["title"], json.loads(row["payload"]), row["updated_at"])


def _marks(values: Collection[object]) -> str:
    """`?, ?, ?`: one SQL placeholder per value."""
    return ", ".join("?" * len(values))
