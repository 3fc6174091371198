"""Education sessions on the desk (/desk/edukasi): planning and cancelling a session, the
list with each session's attendance, and one session's attendees (issue 14).

A session is planned for one village of Lombok Timur; tablets whose area holds it receive
it at pull (services/pull.py) and send attendance back (`attendances`). Only rows answered
`recorded` count: a member's row carries `member_id` (one per member and session, the
table's unique key), a person who is not a member keeps the NIK or name given and is
counted once per NIK, or per name when no NIK was given. The figures over all sessions
are in education_figures.py.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.activities import ActivityOutcome
from enrolment.areas import area_name, is_home_village, village_label
from enrolment.messages import has, text, texts
from enrolment.nik import mask_nik
from enrolment.segments import Segment, segment_name
from enrolment.text_rules import find_bad_character
from enrolment.worklist import SESSIONS_PAST_DAYS, Topic
from sync_server.desk_format import format_day, parse_day
from sync_server.models import Attendance, EducationSession, Member, User, utcnow
from sync_server.services.audit import audit
from sync_server.services.members import member_number

_S = EducationSession.__table__  # type: ignore[attr-defined]
_A = Attendance.__table__  # type: ignore[attr-defined]
_M = Member.__table__  # type: ignore[attr-defined]
RECORDED = ActivityOutcome.RECORDED.value
#: The lengths the columns hold (models.EducationSession).
LIMITS = {"title": 120, "place": 120, "facilitator": 100}
#: A session may be planned up to a year ahead.
AHEAD_DAYS = 366
#: Sessions a list shows at most (a filter narrows it).
LIST_LIMIT = 200


class EducationError(ValueError):
    """A plan or a cancellation refused; `code` names its text `edk_<code>`."""

    def __init__(self, code: str, **params: object):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Plan:
    """A session as the form gave it, checked."""

    topic: str
    title: str
    village: str
    held_on: date
    place: str
    facilitator: str
    segments: tuple[str, ...]


def _field(value: str, key: str) -> str:
    """A free text field, trimmed; EducationError if too long or with a bad character."""
    value = value.strip()
    name_id, name_en = texts("edk_title_field" if key == "title" else f"edk_{key}")
    if len(value) > LIMITS[key]:
        raise EducationError("too_long", field=name_id, field_en=name_en, max=LIMITS[key])
    if find_bad_character(value):
        raise EducationError("characters", field=name_id, field_en=name_en)
    return value


def _day(value: str, today: date) -> date:
    if not value.strip():
        raise EducationError("date_missing")
    try:
        day = parse_day(value)
    except ValueError:
        raise EducationError("date_bad", value=value.strip()[:20]) from None
    assert day is not None
    if day < today - timedelta(days=SESSIONS_PAST_DAYS):
        raise EducationError("date_too_early", day=format_day(day), days=SESSIONS_PAST_DAYS)
    if day > today + timedelta(days=AHEAD_DAYS):
        raise EducationError("date_too_late", day=format_day(day))
    return day


def parse_plan(
    *,
    topic: str,
    title: str,
    village: str,
    day: str,
    place: str,
    facilitator: str,
    segments: list[str],
    today: date,
) -> Plan:
    """The form's fields as a Plan; EducationError (the first problem) if any is wrong."""
    if topic not in {t.value for t in Topic}:
        raise EducationError("topic_bad")
    title = _field(title, "title")
    if topic == Topic.OTHER and not title:
        raise EducationError("title_missing")
    if not is_home_village(village):
        raise EducationError("village_bad")
    held_on = _day(day, today)
    place = _field(place, "place")
    if not place:
        raise EducationError("place_missing")
    facilitator = _field(facilitator, "facilitator")
    known = {s.value for s in Segment}
    for code in segments:
        if code not in known:
            raise EducationError("segment_bad", value=code[:40])
    chosen = tuple(s.value for s in Segment if s.value in segments)  # the schema's order
    return Plan(topic, title, village, held_on, place, facilitator, chosen)


def describe(s: EducationSession | Plan) -> dict[str, Any]:
    """A session as the audit log records it."""
    held_on = s.held_on
    return {
        "topic": s.topic,
        "title": s.title,
        "village": s.village_code if isinstance(s, EducationSession) else s.village,
        "date": format_day(held_on),
        "place": s.place,
        "facilitator": s.facilitator,
        "segments": list(segment_codes(s.segments) if isinstance(s.segments, str) else s.segments),
    }


def segment_codes(stored: str) -> tuple[str, ...]:
    """The target segments of a stored session (empty: everyone)."""
    return tuple(code for code in stored.split(",") if code)


def plan_session(*, session: Session, user: User, plan: Plan) -> EducationSession:
    """Store the planned session (audited) and return it."""
    row = EducationSession(
        uid=secrets.token_urlsafe(9),
        topic=plan.topic,
        title=plan.title,
        village_code=plan.village,
        held_on=plan.held_on,
        place=plan.place,
        facilitator=plan.facilitator,
        segments=",".join(plan.segments),
        created_by=user.username,
    )
    session.add(row)
    session.flush()
    audit(session, user, "education_plan", f"edukasi:{row.uid}", "", describe(plan))
    return row


def find_session(*, session: Session, uid: str, lock: bool = False) -> EducationSession | None:
    """The session named `uid`, or None."""
    query = sa.select(EducationSession).where(EducationSession.uid == uid)  # type: ignore[arg-type]
    if lock:
        query = query.with_for_update()
    return session.execute(query).scalars().first()


def cancel_session(*, session: Session, user: User, uid: str) -> EducationSession:
    """Cancel the session (audited): LookupError if unknown; EducationError if it is
    cancelled already or has attendance recorded (it took place)."""
    row = find_session(session=session, uid=uid, lock=True)
    if row is None:
        raise LookupError(uid)
    if row.cancelled_at is not None:
        raise EducationError("already_cancelled")
    members, others = attendance_counts(session=session, session_ids=[row.id or 0]).get(
        row.id or 0, (0, 0)
    )
    if members + others:
        raise EducationError("has_attendance", count=members + others)
    row.cancelled_at = utcnow()
    session.add(row)
    audit(session, user, "education_cancel", f"edukasi:{row.uid}", "", describe(row))
    return row


def session_label(s: EducationSession) -> str:
    """`Literasi keuangan, 15-01-2027, Desa, Kecamatan`: a session in one line."""
    return (
        f"{topic_name(s.topic, s.title)}, {format_day(s.held_on)}, {village_label(s.village_code)}"
    )


def topic_name(topic: str, title: str, lang: str = "id") -> str:
    """Another topic by its title; a listed topic by its name, then the title if given."""
    name = text(f"topic_{topic}", lang) if has(f"topic_{topic}") else topic
    if topic == Topic.OTHER and title:
        return title
    return f"{name}: {title}" if title else name


def guest_key() -> Any:
    """One non-member at a session: their NIK, else their name as given (lower case)."""
    return sa.case(
        (_A.c.nik != "", sa.literal("n:") + _A.c.nik),
        else_=sa.literal("g:") + sa.func.lower(sa.func.trim(_A.c.guest_name)),
    )


def attendance_counts(
    *, session: Session, session_ids: list[int] | None = None
) -> dict[int, tuple[int, int]]:
    """{session id: (members counted, non-members)} of the sessions named (all: None)."""
    query = (
        sa.select(
            _A.c.session_id,
            sa.func.count(_A.c.member_id),
            sa.func.count(sa.distinct(sa.case((_A.c.member_id.is_(None), guest_key())))),
        )
        .where(_A.c.outcome == RECORDED, _A.c.session_id.is_not(None))
        .group_by(_A.c.session_id)
    )
    if session_ids is not None:
        query = query.where(_A.c.session_id.in_(session_ids))
    return {sid: (int(m), int(g)) for sid, m, g in session.execute(query)}


@dataclass(frozen=True)
class SessionRow:
    """A session in the list, with its attendance."""

    s: EducationSession
    members: int
    others: int

    @property
    def total(self) -> int:
        """Everyone present."""
        return self.members + self.others


def area_clause(column: Any, area: str) -> Any:
    """`column` (a village code) inside `area`: a kecamatan's villages, or one village."""
    return sa.or_(column == area, column.startswith(area + "."))


def list_sessions(
    *, session: Session, area: str = "", topic: str = "", when: str = "", today: date
) -> tuple[list[SessionRow], int]:
    """Sessions (at most LIST_LIMIT) and how many match: `when` upcoming (from today,
    nearest first), past (latest first) or all (latest first); in `area`; of `topic`."""
    where: list[Any] = []
    if area:
        where.append(area_clause(_S.c.village_code, area))
    if topic:
        where.append(_S.c.topic == topic)
    order: Any = _S.c.held_on.desc()
    if when == "upcoming":
        where.append(_S.c.held_on >= today)
        order = _S.c.held_on
    elif when == "past":
        where.append(_S.c.held_on < today)
    total = session.execute(sa.select(sa.func.count()).select_from(_S).where(*where)).scalar_one()
    rows = (
        session.execute(
            sa.select(EducationSession)
            .where(*where)
            .order_by(order, EducationSession.id)  # type: ignore[arg-type]
            .limit(LIST_LIMIT)
        )
        .scalars()
        .all()
    )
    counts = attendance_counts(session=session, session_ids=[r.id or 0 for r in rows])
    return [SessionRow(r, *counts.get(r.id or 0, (0, 0))) for r in rows], int(total)


@dataclass(frozen=True)
class Attendee:
    """One person present: a member (number, name, masked NIK, segment) or a person who
    is not a member (name or masked NIK; `now_member` if the NIK has enrolled since)."""

    member_no: str
    name: str
    masked_nik: str
    segment: str  # code; "" for a non-member
    method: str
    attended_at: str
    now_member: str = ""

    @property
    def is_member(self) -> bool:
        """Counted as a member."""
        return bool(self.member_no)


def attendees(*, session: Session, session_id: int) -> list[Attendee]:
    """Everyone recorded present at the session: members by name, then non-members."""
    known = _M.alias("known")  # a non-member's NIK that has become a member since
    rows = session.execute(
        sa.select(
            _A.c.member_id,
            _M.c.full_name,
            _M.c.nik,
            _M.c.segment,
            _A.c.nik.label("guest_nik"),
            _A.c.guest_name,
            _A.c.method,
            _A.c.attended_at,
            known.c.id.label("known_id"),
        )
        .select_from(
            _A.outerjoin(_M, _M.c.id == _A.c.member_id).outerjoin(
                known, sa.and_(_A.c.member_id.is_(None), _A.c.nik != "", known.c.nik == _A.c.nik)
            )
        )
        .where(_A.c.session_id == session_id, _A.c.outcome == RECORDED)
        .order_by(_A.c.member_id.is_(None), _M.c.full_name, _A.c.guest_name, _A.c.id)
    ).all()
    out: list[Attendee] = []
    seen: set[str] = set()
    for r in rows:
        if r.member_id is not None:
            out.append(
                Attendee(
                    member_number(r.member_id),
                    r.full_name,
                    mask_nik(r.nik),
                    r.segment,
                    r.method,
                    r.attended_at,
                )
            )
            continue
        key = f"n:{r.guest_nik}" if r.guest_nik else f"g:{r.guest_name.strip().lower()}"
        if key in seen:  # the same person sent by two tablets: once
            continue
        seen.add(key)
        out.append(
            Attendee(
                "",
                r.guest_name,
                mask_nik(r.guest_nik) if r.guest_nik else "",
                "",
                r.method,
                r.attended_at,
                member_number(r.known_id) if r.known_id else "",
            )
        )
    return out


def by_segment(people: list[Attendee]) -> list[tuple[str, str, int]]:
    """(segment code, name, members present) for every segment, then non-members ("")."""
    counts = {s.value: 0 for s in Segment}
    others = 0
    for p in people:
        if p.is_member:
            counts[p.segment] = counts.get(p.segment, 0) + 1
        else:
            others += 1
    rows = [(code, segment_name(code), n) for code, n in counts.items()]
    return [*rows, ("", "", others)]


def kecamatan_of(village: str) -> str:
    """The kecamatan code of a village code."""
    return village.rsplit(".", 1)[0]


def kecamatan_name(village: str) -> str:
    """The kecamatan's name of a village code."""
    return area_name(kecamatan_of(village))
