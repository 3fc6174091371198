"""Field work after enrolment on the tablet (issue 14): the attendance and UMKM visits
the officer records (an outbox of their own, `enrolment/activities.py`), and what the
last pull brought for them (the area's education sessions, the UMKM owners due a visit).

Sealed like enrolments (field_app/sealing.py): an activity's payload (card token, NIK,
a guest's name), who it is about (`label`, `member_no`) and the server's reasons; the
pulled due list (names, phones). In the clear: ids, kinds, statuses, dates, and the
sessions (a schedule names no one). `person_key` (a keyed hash of the member number or
NIK, as the NIK index of enrolments) makes "once per session" a constraint of this file.

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

from enrolment.activities import (
    DELIVERED_ACTIVITY,
    Activity,
    ActivityResult,
    Attendance,
    UmkmVisit,
    activity_from_wire,
    activity_to_wire,
)
from enrolment.worklist import (
    EducationSession,
    UmkmDue,
    due_from_wire,
    due_to_wire,
    session_from_wire,
    session_to_wire,
)
from field_app.sealing import ad, seal, unseal
from field_app.store_sync import now_iso
from field_app.vault import Vault

_JSON = {"ensure_ascii": False, "separators": (",", ":")}


class ActivityStatus:
    """Where an activity stands (texts: the i18n keys `act_status_*`)."""

    PENDING = "pending"  # saved here, not yet answered by the server
    SENT = "sent"  # the server recorded it (or had already)
    REJECTED = "rejected"  # the server refused it: set aside with the reason, never resent


@dataclass(frozen=True)
class StoredActivity:
    """An activity as the tablet holds it, with its sync state."""

    activity: Activity
    status: str  # ActivityStatus
    outcome: str  # the server's answer (an ActivityOutcome value), "" while pending
    problems: list[dict[str, str]]  # {"field", "code", "id", "en"} when rejected
    member_no: str  # attendance: the member counted; visit: the member visited
    label: str  # who, as shown: the card's name, the guest's name, a masked NIK
    updated_at: str


class Activities:
    """The activities' share of the tablet database (mixed into `Store`)."""

    _lock: threading.RLock
    _db: sqlite3.Connection
    _tx: Callable[[], AbstractContextManager[sqlite3.Connection]]
    _key: Callable[[], Vault | None]
    _officer: str | None

    # -- recording --------------------------------------------------------------
    def record_attendance(
        self,
        attendance: Attendance,
        *,
        member_no: str = "",
        label: str = "",
        officer: str | None = None,
    ) -> bool:
        """Save an attendance as pending. False (nothing saved): this person (the same
        member number, or the same NIK) is already recorded for this session here."""
        vault = self._key()
        who = f"member:{member_no}" if member_no else attendance.nik
        key = "" if not who else (vault.nik_key(who) if vault else who)
        try:
            self._insert(vault, attendance, attendance.session, key, member_no, label, officer)
        except sqlite3.IntegrityError:
            return False
        return True

    def record_visit(
        self, visit: UmkmVisit, *, label: str = "", officer: str | None = None
    ) -> None:
        """Save an UMKM follow-up visit as pending."""
        vault = self._key()
        key = f"member:{visit.member_no}"
        key = vault.nik_key(key) if vault else key
        self._insert(vault, visit, "", key, visit.member_no, label, officer)

    def _insert(
        self,
        vault: Vault | None,
        activity: Activity,
        ref: str,
        person_key: str,
        member_no: str,
        label: str,
        officer: str | None,
    ) -> None:
        cid, stamp = activity.cid, now_iso()
        payload = json.dumps(activity_to_wire(activity), **_JSON)  # type: ignore[arg-type]
        with self._tx() as db:
            db.execute(
                """INSERT INTO activities(client_id, kind, ref, person_key, payload, label,
                       member_no, status, created_at, updated_at, officer)
                   VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""",
                (
                    cid,
                    activity.kind.value,
                    ref,
                    person_key,
                    seal(vault, payload, ad("activities", "payload", cid)),
                    seal(vault, label, ad("activities", "label", cid)),
                    seal(vault, member_no, ad("activities", "member_no", cid)),
                    ActivityStatus.PENDING,
                    stamp,
                    stamp,
                    officer or self._officer,
                ),
            )

    # -- reading ------------------------------------------------------------------
    def attendance_for(self, session_id: str) -> list[StoredActivity]:
        """Who is recorded for this session here, newest first."""
        return self._activities(
            "SELECT * FROM activities WHERE kind='attendance' AND ref=? "
            "ORDER BY created_at DESC, rowid DESC",
            (session_id,),
        )

    def latest_visits(self) -> dict[str, StoredActivity]:
        """The latest visit recorded here for each member number visited."""
        out: dict[str, StoredActivity] = {}
        for stored in self._activities(
            "SELECT * FROM activities WHERE kind='umkm_visit' ORDER BY created_at, rowid"
        ):
            out[stored.member_no] = stored
        return out

    def set_aside_activities(self, kind: str) -> list[StoredActivity]:
        """The activities of `kind` the server refused, newest first: the screens show
        them with the reason even once their session or owner is no longer listed."""
        return self._activities(
            "SELECT * FROM activities WHERE kind=? AND status=? "
            "ORDER BY created_at DESC, rowid DESC",
            (kind, ActivityStatus.REJECTED),
        )

    def activity_counts(self) -> dict[str, int]:
        """How many activities are in each ActivityStatus (absent when none)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT status, COUNT(*) FROM activities GROUP BY status"
            ).fetchall()
        return {r[0]: r[1] for r in rows}

    def _activities(self, sql: str, args: tuple[Any, ...] = ()) -> list[StoredActivity]:
        vault = self._key()
        with self._lock:
            rows = self._db.execute(sql, args).fetchall()
        return [_opened(vault, row) for row in rows]

    # -- the sync -----------------------------------------------------------------
    def pending_activities(self, limit: int) -> list[Activity]:
        """The oldest activities still waiting to be sent."""
        vault = self._key()
        with self._lock:
            rows = self._db.execute(
                "SELECT client_id, payload FROM activities WHERE status=? "
                "ORDER BY created_at, rowid LIMIT ?",
                (ActivityStatus.PENDING, limit),
            ).fetchall()
        return [
            activity_from_wire(json.loads(unseal(vault, p, ad("activities", "payload", c))))
            for c, p in rows
        ]

    def apply_activity_results(self, results: list[ActivityResult]) -> None:
        """The server's answers: delivered ones are sent (with the member counted, if the
        server named one), refused ones set aside with the reason, all in one transaction."""
        vault, stamp = self._key(), now_iso()
        with self._tx() as db:
            for r in results:
                status = (
                    ActivityStatus.SENT
                    if r.outcome in DELIVERED_ACTIVITY
                    else ActivityStatus.REJECTED
                )
                problems = json.dumps(list(r.problems), **_JSON)  # type: ignore[arg-type]
                if problems != "[]":
                    problems = seal(vault, problems, ad("activities", "problems", r.cid))
                member_no = (
                    seal(vault, r.member_no, ad("activities", "member_no", r.cid))
                    if r.member_no
                    else None
                )
                db.execute(
                    """UPDATE activities SET status=?, outcome=?, problems=?,
                           member_no=COALESCE(?, member_no), updated_at=?
                       WHERE client_id=? AND status=?""",
                    (status, r.outcome.value, problems, member_no, stamp, r.cid, "pending"),
                )

    def resend_activities(self) -> int:
        """The server may have lost what it recorded (wiped, restored, paired anew): make
        every delivered activity pending again. The server answers `duplicate` (or
        `already_counted`) for what it still has. Returns how many."""
        with self._tx() as db:
            return db.execute(
                "UPDATE activities SET status=? WHERE status=?",
                (ActivityStatus.PENDING, ActivityStatus.SENT),
            ).rowcount

    def purge_sent_activities_before(self, cutoff_iso: str) -> int:
        """Delete activities the server recorded before `cutoff_iso` (its retention
        period for tablets, as for enrolments). Returns how many."""
        with self._tx() as db:
            return db.execute(
                "DELETE FROM activities WHERE status=? AND created_at<?",
                (ActivityStatus.SENT, cutoff_iso),
            ).rowcount

    # -- what the pull brought ------------------------------------------------------
    def apply_worklist(
        self, sessions: list[EducationSession] | None, umkm_due: list[UmkmDue] | None
    ) -> None:
        """Replace the held sessions and due visits with a pull's (None: the server sent
        none of that kind, keep what is held)."""
        vault = self._key() if umkm_due else None
        with self._tx() as db:
            if sessions is not None:
                db.execute("DELETE FROM edu_sessions")
                db.executemany(
                    "INSERT OR REPLACE INTO edu_sessions(session_id, held_on, payload) "
                    "VALUES(?, ?, ?)",
                    [
                        (s.id, s.held_on.isoformat(), json.dumps(session_to_wire(s), **_JSON))  # type: ignore[arg-type]
                        for s in sessions
                    ],
                )
            if umkm_due is not None:
                db.execute("DELETE FROM umkm_due")
                db.executemany(
                    "INSERT INTO umkm_due(position, due, payload) VALUES(?, ?, ?)",
                    [
                        (
                            i,
                            d.due.isoformat(),
                            seal(
                                vault,
                                json.dumps(due_to_wire(d), **_JSON),
                                ad("umkm_due", "payload", str(i)),
                            ),  # type: ignore[arg-type]
                        )
                        for i, d in enumerate(umkm_due)
                    ],
                )

    def sessions(self) -> list[EducationSession]:
        """The area's sessions as last pulled, nearest date first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT payload FROM edu_sessions ORDER BY held_on, session_id"
            ).fetchall()
        return [session_from_wire(json.loads(r[0])) for r in rows]

    def session(self, session_id: str) -> EducationSession | None:
        """One pulled session by its id."""
        with self._lock:
            row = self._db.execute(
                "SELECT payload FROM edu_sessions WHERE session_id=?", (session_id,)
            ).fetchone()
        return session_from_wire(json.loads(row[0])) if row else None

    def umkm_due(self) -> list[UmkmDue]:
        """The area's UMKM owners due a follow-up visit, earliest due first."""
        vault = self._key()
        with self._lock:
            rows = self._db.execute(
                "SELECT position, payload FROM umkm_due ORDER BY due, position"
            ).fetchall()
        return [
            due_from_wire(json.loads(unseal(vault, p, ad("umkm_due", "payload", str(i)))))
            for i, p in rows
        ]

    def umkm_due_count(self) -> int:
        """How many due visits the last pull brought (no key needed: a count names no one)."""
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM umkm_due").fetchone()[0])


def _opened(vault: Vault | None, row: sqlite3.Row) -> StoredActivity:
    cid = row["client_id"]
    payload = unseal(vault, row["payload"], ad("activities", "payload", cid))
    problems = unseal(vault, row["problems"], ad("activities", "problems", cid))
    return StoredActivity(
        activity=activity_from_wire(json.loads(payload)),
        status=row["status"],
        outcome=row["outcome"],
        problems=json.loads(problems),
        member_no=unseal(vault, row["member_no"], ad("activities", "member_no", cid)) or "",
        label=unseal(vault, row["label"], ad("activities", "label", cid)) or "",
        updated_at=row["updated_at"],
    )
