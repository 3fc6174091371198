"""The tablet's local database: every enrolment and setting, in one SQLite file.

Durability first: WAL journal with `synchronous=FULL`, so a record is on disk
when `save_enrolment` returns, and survives the app being killed or the power
going. The schema carries a version (`PRAGMA user_version`) and is migrated on
open, in place, without losing a row.

Personal data is encrypted at rest once the tablet has an officer (issue 12): officers.py
has the API (unlock, lock, officers, PINs), vault.py the keys, sealing.py what is sealed.
A protected store opens locked and refuses personal data (`Locked`) until `unlock`;
`Store(path, vault=...)` opens it with a data key already in hand. A file without
officers stays plaintext, as before issue 12, until its first officer encrypts it.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from enrolment.protocol import record_from_wire, record_to_wire
from enrolment.records import Enrolment
from field_app import sealing
from field_app.officers import OfficerAccess
from field_app.sealing import SEALED_SETTINGS, ad, seal, sealed_columns, unseal
from field_app.search_index import SearchIndex
from field_app.server_knowledge import ServerKnowledge
from field_app.store_activities import Activities
from field_app.store_drafts import Draft, Drafts
from field_app.store_filters import home_filters, plain_text_condition
from field_app.store_schema import MIGRATIONS
from field_app.store_sync import SyncState, now_iso
from field_app.vault import KdfParams, Locked, Vault

__all__ = [
    "MIGRATIONS",
    "Draft",
    "Locked",
    "Status",
    "Store",
    "StoredEnrolment",
    "Vault",
    "now_iso",
]
ORDER = "ORDER BY created_at DESC, client_id"  # the home list: newest first
IN_LIST_MAX = 2_000  # search hits bound as SQL parameters; more: a function SQLite calls


class Status:
    """Where a record stands. Stored as text; see the i18n keys `status_*`."""

    PENDING = "pending"  # saved, not yet accepted by the server ("belum terkirim")
    SENT = "sent"  # accepted: has a member number and card
    CONFLICT = "conflict"  # NIK known with another identity: coordinator reviews
    REJECTED = "rejected"  # server found it invalid: officer must correct
    # Delivered, but held as a likely duplicate of a member: the coordinator releases or
    # merges it (the tablet learns which at a pull); never resent, never dropped.
    HELD = "held"
    ATTENTION = (CONFLICT, REJECTED, HELD)  # what the officer must look at ("perlu perhatian")


@dataclass(frozen=True)
class StoredEnrolment:
    """A record as the tablet holds it, with its sync state."""

    record: Enrolment
    status: str
    member_no: str | None
    card_token: str | None
    problems: list[dict[str, str]]
    updated_at: str
    officer: str | None = None  # who saved it (Officer.officer_id), where known


class Store(ServerKnowledge, OfficerAccess, Drafts, SyncState, Activities):
    """Thread-safe access to the tablet database (UI thread and sync worker share it).

    `vault`: open with this data key (it must be this file's, else WrongKey; a file
    without one adopts it). `platform_secret`: mixed into every officer's key (the
    Android Keystore's: field_app/platform_secret.py). `clock`: for the PIN back-off
    (tests inject one).
    """

    def __init__(
        self,
        path: Path | str,
        *,
        vault: Vault | None = None,
        platform_secret: bytes | None = None,
        clock: Callable[[], float] = time.time,
        kdf: KdfParams | None = None,
    ):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.platform_secret, self.clock, self.kdf = platform_secret, clock, kdf or KdfParams()
        self._lock = threading.RLock()
        self._vault: Vault | None = None
        self._officer: str | None = None
        self._index: SearchIndex | None = None
        self._hits: Collection[str] = ()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._db.row_factory = sqlite3.Row
        for pragma in ("journal_mode=WAL", "synchronous=FULL", "busy_timeout=5000"):
            self._db.execute(f"PRAGMA {pragma}")
        # Freed space is zeroed (no plaintext left behind by the migration); no temp files.
        self._db.execute("PRAGMA secure_delete=ON")
        self._db.execute("PRAGMA temp_store=MEMORY")
        self._db.create_function("search_hit", 1, lambda cid: cid in self._hits)
        self._migrate()
        if vault is not None:
            self._adopt(vault, None)

    def close(self) -> None:
        """Forget the key and close the database file."""
        with self._lock:
            self.lock()
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
        """A stored setting, or `default`. Sealed ones (SEALED_SETTINGS) need the key."""
        vault = self._key() if key in SEALED_SETTINGS else None
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return unseal(vault, row[0], ad("settings", "value", key)) if row else default

    def has_setting(self, key: str) -> bool:
        """True if a non-empty setting is stored (works while locked: e.g. paired or not)."""
        with self._lock:
            row = self._db.execute("SELECT value FROM settings WHERE key=?", (key,)).fetchone()
        return bool(row and row[0])

    def set_settings(self, **values: str) -> None:
        """Store several settings in one transaction."""
        vault = self._key() if SEALED_SETTINGS.intersection(values) else None
        rows = [
            (k, seal(vault, v, ad("settings", "value", k)) if k in SEALED_SETTINGS else v)
            for k, v in values.items()
        ]
        with self._tx() as db:
            db.executemany(
                "INSERT INTO settings(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                rows,
            )

    # -- enrolments -------------------------------------------------------
    def save_enrolment(self, record: Enrolment) -> None:
        """Insert a new record, or replace an unsent/returned one, as pending."""
        self.save_enrolments([record])

    def save_enrolments(self, records: list[Enrolment], *, draft_id: str = "") -> None:
        """Save records (e.g. every member of a household) as pending in ONE transaction,
        and drop the draft they came from in the same transaction: on disk either the
        whole household and no draft, or nothing new and the draft."""
        vault, stamp = self._key(), now_iso()
        rows = [
            (
                r.client_id,
                r.version,
                *sealed_columns(
                    vault,
                    r.client_id,
                    json.dumps(record_to_wire(r), ensure_ascii=False, separators=(",", ":")),
                    r.nik,
                    r.full_name,
                ),
                Status.PENDING,
                r.village_code,
                r.segment,
                r.created_at or stamp,
                stamp,
                r.household.head if r.household else None,
                self._officer,
            )
            for r in records
        ]
        with self._tx() as db:
            db.executemany(
                """INSERT INTO enrolments(client_id, version, payload, nik, full_name, nik_key,
                       ident, status, village_code, segment, created_at, updated_at,
                       household_head, officer)
                   VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                   ON CONFLICT(client_id) DO UPDATE SET version=excluded.version,
                       payload=excluded.payload, status=excluded.status, nik=excluded.nik,
                       full_name=excluded.full_name, nik_key=excluded.nik_key,
                       ident=excluded.ident, village_code=excluded.village_code,
                       segment=excluded.segment, problems='[]', updated_at=excluded.updated_at,
                       household_head=excluded.household_head, officer=excluded.officer""",
                rows,
            )
            if draft_id:
                db.execute("DELETE FROM drafts WHERE draft_id=?", (draft_id,))
            if self._index is not None:
                for r, row in zip(records, rows, strict=True):
                    self._index.put(r.client_id, r.nik or "", r.full_name, row[10])

    def _rows(self, sql: str, args: Collection[Any] = ()) -> list[StoredEnrolment]:
        """Rows of a query on enrolments, opened (Locked if they need the key)."""
        vault = self._key()
        with self._lock:
            rows = self._db.execute(sql, list(args)).fetchall()
        out = []
        for row in rows:
            opened = sealing.opened_enrolment(vault, row)
            out.append(
                StoredEnrolment(
                    record=record_from_wire(opened["payload"]),
                    status=row["status"],
                    member_no=opened["member_no"],
                    card_token=opened["card_token"],
                    problems=opened["problems"],
                    updated_at=row["updated_at"],
                    officer=row["officer"],
                )
            )
        return out

    def get(self, client_id: str) -> StoredEnrolment | None:
        """One record by its client id."""
        rows = self._rows("SELECT * FROM enrolments WHERE client_id=?", (client_id,))
        return rows[0] if rows else None

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

        `query` of digits matches the start of a NIK; any other `query` matches part of
        a name, any case (NFKC, casefolded). Both are answered by the in-memory search
        index (`_index_of`), encrypted or not, so they stay fast on a full tablet.
        """
        vault = self._key()
        filters, filter_args = home_filters(village, segment, status)
        with self._lock:
            index = self._index_of(vault)
            hits = index.matches(query)
            if hits is not None and not filters and len(hits) <= IN_LIST_MAX:
                # Unfiltered: the index knows the order too; read only the page's rows.
                page = index.newest(hits, limit)
                return self._rows(
                    f"SELECT * FROM enrolments WHERE client_id IN ({_marks(page)}) {ORDER}", page
                )
            text = self._text_condition(hits, query if vault is None else None)
            if text is None:
                return []
            where, args = text[0] + filters, text[1] + filter_args
            sql = "SELECT * FROM enrolments"
            if where:
                sql += " WHERE " + " AND ".join(where)
            # Sort the hits' keys only, then read the page's rows.
            inner = f"{sql.replace('*', 'rowid', 1)} {ORDER} LIMIT ?"
            sql = f"SELECT * FROM enrolments WHERE rowid IN ({inner}) {ORDER}"
            args.append(limit)
            try:
                return self._rows(sql, args)
            finally:
                self._hits = ()

    def _text_condition(
        self, hits: set[str] | None, plain_query: str | None
    ) -> tuple[list[str], list[Any]] | None:
        """The SQL for what the search index found (None: nothing can match; `hits`
        None: the query was empty, no condition). `plain_query`: the query, on a
        plaintext file, whose columns SQL can search itself."""
        if hits is None:
            return [], []
        if not hits:
            return None
        if len(hits) <= IN_LIST_MAX:
            return [f"client_id IN ({_marks(hits)})"], list(hits)
        if plain_query is not None:  # many hits: scanning newest first finds a page soon
            return plain_text_condition(plain_query)
        self._hits = hits  # read by search_hit(), under the lock
        return ["search_hit(client_id)"], []

    def _index_of(self, vault: Vault | None) -> SearchIndex:
        """The in-memory search index (field_app/search_index.py), encrypted or not: a
        plaintext file (no officer yet) is searched the same way, so a name that matches
        nothing costs a scan of one string in memory, not of the table's name index.
        Built at the first search, brought up to date by saves, rebuilt if another
        connection wrote to the file."""
        if vault is not None:
            return self._search_index(vault)
        index = self._index
        if index is None or index.data_version != self._data_version():
            index = SearchIndex()
            index.load(
                [
                    (r[0], r[1], r[2], r[3])
                    for r in self._db.execute(
                        "SELECT client_id, nik, full_name, created_at FROM enrolments"
                    )
                ]
            )
            index.data_version = self._data_version()
            self._index = index
        return index

    def household(self, head_client_id: str) -> list[StoredEnrolment]:
        """Every record of one household, the anchor first, then in the order added."""
        return self._rows(
            "SELECT * FROM enrolments WHERE household_head=? "
            "ORDER BY client_id<>household_head, rowid",
            (head_client_id,),
        )

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
        vault = self._key()
        # Encrypted: the keyed hashes of the NIKs, looked up in their index.
        keys = {vault.nik_key(n): n for n in niks} if vault else {n: n for n in niks}
        column = "nik_key" if vault else "nik"
        with self._lock:
            rows = self._db.execute(
                f"SELECT DISTINCT {column} FROM enrolments WHERE {column} IN ({_marks(keys)})"
                f" AND client_id NOT IN ({_marks(others)})",
                [*keys, *others],
            ).fetchall()
        return {keys[r[0]] for r in rows}


def _marks(values: Collection[object]) -> str:
    """`?, ?, ?`: one SQL placeholder per value."""
    return ", ".join("?" * len(values))
