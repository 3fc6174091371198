"""Judging field activities against the database (for `activity_ingest`): which session
an attendance is at and which member it counts, and whether a visit's member is an UMKM
owner of the device's area. Reads only; what it decides is written by `activity_ingest`.

Refusals never tell a tablet more than its area: a session or member outside it reads
exactly like one that does not exist.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.activities import (
    Activity,
    ActivityOutcome,
    Attendance,
    Method,
    UmkmVisit,
)
from enrolment.messages import texts
from enrolment.problems import Problem, problem
from enrolment.segments import Segment
from sync_server.models import EducationSession, Member, RetiredMember, utcnow
from sync_server.services.members import member_number, parse_member_number
from sync_server.services.verification import NOT_GENUINE, REVOKED, verify_card_token

_SESSIONS = EducationSession.__table__  # type: ignore[attr-defined]
_MEMBERS = Member.__table__  # type: ignore[attr-defined]
_RETIRED = RetiredMember.__table__  # type: ignore[attr-defined]
_NOT_PROCESSED = problem("activity", "not_processed").to_wire()
# How a revoked card's reason reads in attendance_card_revoked: the desk's words for the
# reasons an officer gives, ours for those a reissue or a coordinator's decision gives.
_REVOKE_WORDS = {
    "lost": "revoke_reason_lost",
    "stolen": "revoke_reason_stolen",
    "data_error": "revoke_reason_data_error",
    "reissued": "attendance_revoke_reissued",
}


@dataclass
class Item:
    """One well-formed activity of a batch and what becomes of it (`outcome` None: not
    judged yet)."""

    index: int  # position in the batch
    activity: Activity
    digest: str  # SHA-256 of its canonical JSON
    outcome: ActivityOutcome | None = None
    problems: list[dict[str, str]] = field(default_factory=list)
    session_id: int | None = None
    member_id: int | None = None  # the member counted / visited
    not_processed: bool = False
    early: bool = False  # refused at parse (activity_problems): not judged here

    def reset(self) -> None:
        """Forget an earlier judging (a batch's judging is retried item by item)."""
        self.outcome, self.problems, self.session_id, self.member_id = None, [], None, None

    def reject(self, *found: Problem) -> None:
        """Refuse it, for these reasons."""
        self.outcome = ActivityOutcome.REJECTED
        self.problems = [p.to_wire() for p in found]
        self.member_id = None

    def failed(self) -> None:
        """The server failed on it: set aside, not stored (docs/protocol.md, not_processed)."""
        self.reject()
        self.problems = [_NOT_PROCESSED]
        self.not_processed = True

    @property
    def counts(self) -> bool:
        """An attendance that counts a member (subject to once per session)."""
        return (
            isinstance(self.activity, Attendance)
            and self.outcome is ActivityOutcome.RECORDED
            and self.member_id is not None
        )

    def _common(self, device_id: int) -> dict[str, Any]:
        outcome = self.outcome or ActivityOutcome.RECORDED
        return {
            "device_id": device_id,
            "client_id": self.activity.cid,
            "content_hash": self.digest,
            "member_id": self.member_id,
            "outcome": outcome.value,
            "problems": json.dumps(self.problems, ensure_ascii=False),
            "received_at": utcnow(),
        }

    def attendance_row(self, device_id: int) -> dict[str, Any]:
        """The `attendances` row. A refused one keeps no personal data (and none that a
        database could choke on: its text failed the checks)."""
        a = self.activity
        assert isinstance(a, Attendance)
        kept = self.outcome is not ActivityOutcome.REJECTED
        non_member = kept and self.member_id is None
        return {
            **self._common(device_id),
            "session_id": self.session_id,
            "method": a.method.value,
            "nik": a.nik if non_member else "",
            "guest_name": a.name.strip() if non_member else "",
            "attended_at": a.at,
            "member_no": member_number(self.member_id) if self.member_id else "",
        }

    def visit_row(self, device_id: int) -> dict[str, Any]:
        """The `umkm_visits` row (a refused one without its reason)."""
        v = self.activity
        assert isinstance(v, UmkmVisit)
        kept = self.outcome is not ActivityOutcome.REJECTED
        return {
            **self._common(device_id),
            "visit_outcome": v.outcome.value,
            "starts_on": v.starts if kept else None,
            "reason": v.reason.strip() if kept else "",
            "visited_at": v.at,
        }


@dataclass
class _Context:
    """What a batch's judging reads from the database, read once for the batch."""

    area: list[str]
    today: date
    sessions: dict[str, Any]  # uid -> row (id, village_code, cancelled_at)
    by_nik: dict[str, int]
    members: dict[int, Any]  # id -> row (id, village_code, segment, startup_cash, ...)
    merged_into: dict[int, int | None] = field(default_factory=dict)  # retired members


def in_area(village_code: str, area: list[str]) -> bool:
    """A village of one of the area's kecamatan (a village code starts with its
    kecamatan's code and a dot)."""
    return any(village_code.startswith(kec + ".") for kec in area)


def judge_items(session: Session, items: list[Item], area: list[str], today: date) -> None:
    """Judge the items not refused yet (sets outcome, problems, session and member)."""
    pending = [it for it in items if not it.early]
    for it in pending:
        it.reset()
    attendances = [it for it in pending if isinstance(it.activity, Attendance)]
    visits = [it for it in pending if isinstance(it.activity, UmkmVisit)]
    ctx = _Context(
        area=area,
        today=today,
        sessions=_sessions(session, attendances),
        by_nik=_by_nik(session, attendances),
        members=_members(session, visits),
    )
    for it in attendances:
        _judge_attendance(session, ctx, it)
    found = {it.member_id for it in attendances if it.member_id is not None} | set(ctx.members)
    ctx.merged_into = _retired(session, found)
    for it in attendances:
        if it.member_id in ctx.merged_into:
            # A member merged into another counts as that one; one rejected, as no member.
            it.member_id = ctx.merged_into[it.member_id]
    for it in visits:
        _judge_visit(ctx, it)


def _sessions(session: Session, items: list[Item]) -> dict[str, Any]:
    uids = sorted({it.activity.session for it in items if isinstance(it.activity, Attendance)})
    if not uids:
        return {}
    rows = session.execute(
        sa.select(
            _SESSIONS.c.id, _SESSIONS.c.uid, _SESSIONS.c.village_code, _SESSIONS.c.cancelled_at
        ).where(_SESSIONS.c.uid.in_(uids))
    ).all()
    return {r.uid: r for r in rows}


def _by_nik(session: Session, items: list[Item]) -> dict[str, int]:
    niks = sorted(
        {
            it.activity.nik
            for it in items
            if isinstance(it.activity, Attendance) and it.activity.method is Method.NIK
        }
    )
    if not niks:
        return {}
    rows = session.execute(
        sa.select(_MEMBERS.c.nik, _MEMBERS.c.id).where(_MEMBERS.c.nik.in_(niks))
    ).all()
    return {nik: member_id for nik, member_id in rows}


def _members(session: Session, items: list[Item]) -> dict[int, Any]:
    ids = set()
    for it in items:
        assert isinstance(it.activity, UmkmVisit)
        member_id = parse_member_number(it.activity.member_no)
        if member_id is not None and member_id < 2**31:  # an INTEGER column's range
            ids.add(member_id)
    if not ids:
        return {}
    m = _MEMBERS.c
    rows = session.execute(
        sa.select(m.id, m.village_code, m.segment, m.startup_cash, m.conversion_due).where(
            m.id.in_(sorted(ids))
        )
    ).all()
    return {r.id: r for r in rows}


def _retired(session: Session, member_ids: set[int]) -> dict[int, int | None]:
    if not member_ids:
        return {}
    rows = session.execute(
        sa.select(_RETIRED.c.member_id, _RETIRED.c.merged_into_id).where(
            _RETIRED.c.member_id.in_(sorted(member_ids))
        )
    ).all()
    return {member_id: into for member_id, into in rows}


def _judge_attendance(session: Session, ctx: _Context, it: Item) -> None:
    a = it.activity
    assert isinstance(a, Attendance)
    row = ctx.sessions.get(a.session)
    if row is None or row.cancelled_at is not None or not in_area(row.village_code, ctx.area):
        # Out of the area reads as unknown: a tablet learns nothing of other areas.
        it.reject(problem("session", "attendance_session_unknown"))
        return
    it.session_id = row.id
    it.outcome = ActivityOutcome.RECORDED
    if a.method is Method.CARD:
        _judge_card(session, ctx, it, a.card)
    elif a.method is Method.NIK:
        it.member_id = ctx.by_nik.get(a.nik)  # None: not a member, kept by NIK


def _judge_card(session: Session, ctx: _Context, it: Item, token: str) -> None:
    """The card is judged again here, whatever the tablet decided offline. An expired
    card still counts: it is genuine and names its member, and attending a session
    claims no benefit."""
    verdict = verify_card_token(session=session, token=token, today=ctx.today)
    if verdict.status == REVOKED:
        words_id, words_en = texts(_REVOKE_WORDS.get(verdict.reason, "attendance_revoke_other"))
        it.reject(
            problem(
                "card",
                "attendance_card_revoked",
                reason=_lower_first(words_id),
                reason_en=_lower_first(words_en),
            )
        )
        return
    if verdict.status == NOT_GENUINE or verdict.claims is None:
        it.reject(problem("card", "attendance_card_not_genuine"))
        return
    it.member_id = parse_member_number(verdict.claims.member_no)


def _lower_first(words: str) -> str:
    """ "Hilang" as it reads inside a sentence: "(hilang)"."""
    return words[:1].lower() + words[1:]


def _judge_visit(ctx: _Context, it: Item) -> None:
    v = it.activity
    assert isinstance(v, UmkmVisit)
    member_id = parse_member_number(v.member_no)
    row = ctx.members.get(member_id) if member_id is not None else None
    if row is None or row.id in ctx.merged_into or not in_area(row.village_code, ctx.area):
        # Out of the area reads as unknown: no member number of elsewhere is confirmed.
        it.reject(problem("member_no", "visit_member_unknown"))
        return
    if row.segment != Segment.UMKM_OWNER or (
        row.startup_cash is None and row.conversion_due is None
    ):
        it.reject(problem("member_no", "visit_not_umkm"))
        return
    it.member_id = row.id
    it.outcome = ActivityOutcome.RECORDED
