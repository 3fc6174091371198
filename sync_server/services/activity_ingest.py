"""Ingest of field activities (docs/protocol.md, Activities): attendance at education
sessions and UMKM follow-up visits, one answer per activity in the order sent.

1. Parse and check every activity in memory (`enrolment.activities`), before any lock.
2. Take the device's row lock: one tablet's pushes are serialised, so "has this
   `(device, cid)` been stored?" is never raced by the same tablet's resend.
3. Answer repeats from what was stored (`duplicate`, or the stored rejection).
4. Judge the rest against the database (`activity_judge`): the session in the device's
   area, the card verified again, the member.
5. Write each activity in its own SAVEPOINT, counted attendances first in
   `(session, member)` order: two tablets counting the same people never wait for each
   other in opposite orders (no deadlock on PostgreSQL), and `INSERT … ON CONFLICT
   (session_id, member_id) DO NOTHING` lets exactly one of them count a member; the
   other's row is stored without the member, `already_counted`.

A failure of one activity (anything but a database outage) sets aside that activity
alone (`not_processed`, not stored); an outage is the whole request's (503, resent).
The route's unit of work commits.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.activities import (
    DELIVERED_ACTIVITY,
    ActivityOutcome,
    ActivityResult,
    Attendance,
    activity_from_wire,
    activity_problems,
    activity_to_wire,
)
from enrolment.problems import problem
from enrolment.protocol import WireError
from sync_server.db import dialect_insert
from sync_server.models import Attendance as AttendanceRow
from sync_server.models import Device, utcnow
from sync_server.models import UmkmVisit as VisitRow
from sync_server.services.activity_judge import Item, judge_items
from sync_server.services.devices import roster_kecamatan
from sync_server.services.members import member_number

log = logging.getLogger(__name__)

_ATTENDANCES = AttendanceRow.__table__  # type: ignore[attr-defined]
_VISITS = VisitRow.__table__  # type: ignore[attr-defined]
_DEVICES = Device.__table__  # type: ignore[attr-defined]
# Failures that are the database's, not an activity's: the request is answered 503.
_OUTAGES = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)
_CID_REUSED = (problem("cid", "activity_cid_reused").to_wire(),)


@dataclass(frozen=True)
class _Stored:
    """An activity of this device stored by an earlier push, and the answer it got."""

    digest: str
    outcome: str
    member_no: str
    problems: str


def record_activities(
    *, session: Session, device: Device, activities: list[Any], today: date
) -> list[ActivityResult]:
    """Record a batch of raw wire activities from `device`; one result per item, in
    order. `today` (the WITA day) judges a card's expiry."""
    assert device.id is not None
    results: list[ActivityResult | None] = [None] * len(activities)
    items = _parse(activities, results)
    if not items:
        return [r for r in results if r is not None]
    session.execute(
        sa.update(_DEVICES).where(_DEVICES.c.id == device.id).values(last_sync_at=utcnow())
    )
    stored = _stored(session, device.id, sorted({it.activity.cid for it in items}))
    fresh, repeats = _split_repeats(items, stored, results)
    area = roster_kecamatan(session, device.id)
    _guarded(session, fresh, lambda batch: judge_items(session, batch, area, today))
    for it in sorted(fresh, key=_write_order):
        _guarded(session, [it], lambda one: _insert(session, device.id or 0, one[0]))
    for it in fresh:
        results[it.index] = _answer(it)
    for it, first in repeats:
        results[it.index] = _repeat_of(it, first)
    return [r for r in results if r is not None]


def _parse(activities: list[Any], results: list[ActivityResult | None]) -> list[Item]:
    """The well-formed activities; a malformed one is answered here, never stored."""
    items = []
    for index, obj in enumerate(activities):
        try:
            activity = activity_from_wire(obj)
            _check_plain(activity.cid, "cid")
            _check_plain(activity.at, "at")
        except WireError as exc:
            cid = obj.get("cid") if isinstance(obj, dict) else ""
            bad = problem("activity", "malformed", detail=str(exc)[:200]).to_wire()
            results[index] = ActivityResult(cid if isinstance(cid, str) else "", _REJECTED, (bad,))
            continue
        payload = json.dumps(activity_to_wire(activity), sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()
        item = Item(index, activity, digest)
        found = activity_problems(activity)
        if found:
            item.reject(*found)
            item.early = True
        items.append(item)
    return items


def _check_plain(value: str, key: str) -> None:
    """Keys and times are printable ASCII: a NUL or a lone surrogate would fail the
    database's lookup for the whole batch (PostgreSQL refuses them in text)."""
    if not (value.isascii() and value.isprintable()):
        raise WireError(f"{key} must be printable ASCII")


_REJECTED = ActivityOutcome.REJECTED


def _stored(session: Session, device_id: int, cids: list[str]) -> dict[str, _Stored]:
    """What this device stored before under these cids, in either table."""
    found: dict[str, _Stored] = {}
    for table in (_ATTENDANCES, _VISITS):
        member_no = table.c.member_no if table is _ATTENDANCES else sa.literal("")
        rows = session.execute(
            sa.select(
                table.c.client_id,
                table.c.content_hash,
                table.c.outcome,
                member_no,
                table.c.problems,
            ).where(table.c.device_id == device_id, table.c.client_id.in_(cids))
        ).all()
        for cid, digest, outcome, number, problems in rows:
            found[cid] = _Stored(digest, outcome, number or "", problems)
    return found


def _split_repeats(
    items: list[Item], stored: dict[str, _Stored], results: list[ActivityResult | None]
) -> tuple[list[Item], list[tuple[Item, Item]]]:
    """(new activities, repeats within the batch with the item they repeat); repeats of
    stored activities are answered here."""
    fresh: list[Item] = []
    repeats: list[tuple[Item, Item]] = []
    first: dict[str, Item] = {}
    for it in items:
        cid = it.activity.cid
        if cid in stored:
            results[it.index] = _stored_answer(it, stored[cid])
        elif cid in first:
            repeats.append((it, first[cid]))
        else:
            first[cid] = it
            fresh.append(it)
    return fresh, repeats


def _stored_answer(it: Item, stored: _Stored) -> ActivityResult:
    """A resent activity: `duplicate` (with the member it counted) if it was delivered,
    the same rejection if it was refused (so a refused one never reads as delivered)."""
    cid = it.activity.cid
    if stored.digest != it.digest:
        return ActivityResult(cid, _REJECTED, _CID_REUSED)
    if stored.outcome in DELIVERED_ACTIVITY:
        return ActivityResult(cid, ActivityOutcome.DUPLICATE, member_no=stored.member_no)
    return ActivityResult(cid, _REJECTED, tuple(json.loads(stored.problems)))


def _repeat_of(it: Item, first: Item) -> ActivityResult:
    """The same cid twice in one batch: the second is answered as a resend of the first."""
    cid = it.activity.cid
    if it.digest != first.digest:
        return ActivityResult(cid, _REJECTED, _CID_REUSED)
    answer = _answer(first)
    if answer.outcome in DELIVERED_ACTIVITY:
        return ActivityResult(cid, ActivityOutcome.DUPLICATE, member_no=answer.member_no)
    return ActivityResult(cid, _REJECTED, answer.problems)


def _answer(it: Item) -> ActivityResult:
    outcome = it.outcome or ActivityOutcome.RECORDED
    # `m` names the member an attendance counted (or found counted already).
    counted = isinstance(it.activity, Attendance) and outcome in DELIVERED_ACTIVITY
    number = member_number(it.member_id) if counted and it.member_id else ""
    return ActivityResult(it.activity.cid, outcome, tuple(it.problems), number)


def _guarded(session: Session, items: list[Item], work: Callable[[list[Item]], None]) -> None:
    """Run `work` on `items` in a SAVEPOINT. If it fails (no outage), retry each item
    alone; the one that still fails is set aside (`not_processed`), the others stand."""
    try:
        with session.begin_nested():
            work(items)
        return
    except _OUTAGES:
        raise
    except Exception as exc:  # noqa: BLE001 - one bad activity must never fail the others
        if len(items) > 1:
            for it in items:
                _guarded(session, [it], work)
            return
        # No NIK or name in the log: the exception's type and the activity's cid only.
        log.error("activity %r not processed: %s", items[0].activity.cid, type(exc).__name__)
        items[0].failed()


def _write_order(it: Item) -> tuple[int, int, int, int]:
    """Counted attendances first, by (session, member): every transaction takes the
    unique index's entries in one order. Then the rest, as sent."""
    if it.counts:
        return (0, it.session_id or 0, it.member_id or 0, it.index)
    return (1, 0, 0, it.index)


def _insert(session: Session, device_id: int, it: Item) -> None:
    """Store one judged activity (not one that failed: it may be resent)."""
    if it.not_processed:
        return
    if isinstance(it.activity, Attendance):
        _insert_attendance(session, device_id, it)
    else:
        session.execute(sa.insert(_VISITS).values(**it.visit_row(device_id)))


def _insert_attendance(session: Session, device_id: int, it: Item) -> None:
    row = it.attendance_row(device_id)
    if not it.counts:
        session.execute(sa.insert(_ATTENDANCES).values(**row))
        return
    counted = session.execute(
        dialect_insert(session)(_ATTENDANCES)
        .values(**row)
        .on_conflict_do_nothing(index_elements=["session_id", "member_id"])
        .returning(_ATTENDANCES.c.id)
    ).first()
    if counted is None:
        # Counted already (another tablet, another scan): kept, without the member.
        it.outcome = ActivityOutcome.ALREADY_COUNTED
        session.execute(
            sa.insert(_ATTENDANCES).values(
                **{**row, "member_id": None, "outcome": it.outcome.value}
            )
        )
