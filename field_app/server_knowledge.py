"""What the server tells every tablet at a pull, as the tablet keeps it: the card-signing
public keys (offline card checks), revoked card serials, the contribution schedule (the
form's estimate; kept as the server's JSON in the settings), and the lossy NIK roster
(duplicate warnings before saving; see enrolment/roster.py).

A part of `Store` (field_app/store.py), which owns the connection and its lock.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Callable, Collection
from contextlib import AbstractContextManager

from enrolment.contribution_schedule import (
    Schedule,
    ScheduleError,
    schedule_from_dict,
    schedule_to_dict,
)
from enrolment.roster import RosterUnit, common_modulus, decode_unit, parse_probe

#: The settings key of the pulled contribution schedule.
RATE_TABLES = "rate_tables"


class ServerKnowledge:
    """The pull's share of the tablet database (mixed into `Store`)."""

    _lock: threading.RLock
    _db: sqlite3.Connection
    _tx: Callable[[], AbstractContextManager[sqlite3.Connection]]

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
        schedule: Schedule | None = None,
    ) -> None:
        """Store one pull's keys, revocations, roster, contribution schedule (None: the
        server sent none, the one held stays) and the new cursor atomically."""
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
            settings = [("pull_cursor", cursor)]
            if schedule is not None:
                settings.append((RATE_TABLES, json.dumps(schedule_to_dict(schedule))))
            db.executemany(
                "INSERT INTO settings(key, value) VALUES(?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value=excluded.value",
                settings,
            )

    def rate_schedule(self) -> Schedule | None:
        """The contribution schedule of the last pull that carried one (None: never
        pulled one, from an older server, or unreadable: the shipped file applies)."""
        with self._lock:
            row = self._db.execute(
                "SELECT value FROM settings WHERE key=?", (RATE_TABLES,)
            ).fetchone()
        if not row or not row[0]:
            return None
        try:
            return schedule_from_dict(json.loads(row[0]))
        except (ValueError, ScheduleError):
            return None

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
