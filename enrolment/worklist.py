"""What a pull brings a tablet for field work after enrolment (issue 14): the education
sessions planned for its area and the UMKM owners of its area whose conversion to paid
membership is due soon or overdue (docs/protocol.md, Pull). Both are sent whole at every
pull, the nearest dates first; pure, shared by tablet and server.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from enrolment.activities import read_day, read_enum, read_text
from enrolment.protocol import WireError

#: Sessions and UMKM owners a pull sends at most (the nearest dates first).
MAX_SESSIONS = 500
MAX_DUE = 2_000
#: A pull sends the sessions held from this many days ago on (attendance is recorded
#: on the day, but a tablet may sync a few days later).
SESSIONS_PAST_DAYS = 14
#: UMKM owners whose conversion falls due within this many days (or is overdue).
DUE_WITHIN_DAYS = 30


class Topic(StrEnum):
    """Topics of education sessions; a coordinator may name another (`other` + title)."""

    FINANCIAL_LITERACY = "financial_literacy"
    WORK_SKILLS = "work_skills"
    WORK_SAFETY = "work_safety"
    BPJS_BENEFITS = "bpjs_benefits"  # benefits and how to claim them
    OTHER = "other"


@dataclass(frozen=True)
class EducationSession:
    """A planned session, as a tablet of its area receives it."""

    id: str
    topic: Topic
    title: str  # the topic's name when `other`; else may be empty
    village: str  # dotted village code
    held_on: date
    place: str
    facilitator: str
    segments: tuple[str, ...]  # target segments (empty: everyone)


@dataclass(frozen=True)
class UmkmDue:
    """An UMKM owner of the tablet's area whose conversion is due soon or overdue."""

    member_no: str
    name: str
    village: str
    due: date
    phone: str = ""
    startup_cash: int | None = None


def session_to_wire(s: EducationSession) -> dict[str, Any]:
    """A session as a pull carries it."""
    return {
        "id": s.id,
        "topic": s.topic.value,
        "title": s.title,
        "village": s.village,
        "date": s.held_on.isoformat(),
        "place": s.place,
        "facilitator": s.facilitator,
        "segments": list(s.segments),
    }


def session_from_wire(obj: Any) -> EducationSession:
    """Parse a pulled session; WireError if malformed."""
    if not isinstance(obj, dict):
        raise WireError("a session must be an object")
    segments = obj.get("segments") or []
    if not isinstance(segments, list) or not all(isinstance(s, str) for s in segments):
        raise WireError("segments must be a list of codes")
    return EducationSession(
        id=read_text(obj, "id", 32, required=True),
        topic=read_enum(Topic, obj.get("topic"), "topic"),
        title=read_text(obj, "title", 120),
        village=read_text(obj, "village", 20, required=True),
        held_on=read_day(obj.get("date"), "date"),
        place=read_text(obj, "place", 120),
        facilitator=read_text(obj, "facilitator", 100),
        segments=tuple(segments),
    )


def due_to_wire(d: UmkmDue) -> dict[str, Any]:
    """An UMKM owner due a visit, as a pull carries it."""
    out: dict[str, Any] = {
        "member_no": d.member_no,
        "name": d.name,
        "village": d.village,
        "due": d.due.isoformat(),
    }
    if d.phone:
        out["phone"] = d.phone
    if d.startup_cash is not None:
        out["cash"] = d.startup_cash
    return out


def due_from_wire(obj: Any) -> UmkmDue:
    """Parse a pulled UMKM owner due a visit; WireError if malformed."""
    if not isinstance(obj, dict):
        raise WireError("a due visit must be an object")
    cash = obj.get("cash")
    if cash is not None and (type(cash) is not int or cash < 0):
        raise WireError("cash must be a whole number of rupiah")
    return UmkmDue(
        member_no=read_text(obj, "member_no", 20, required=True),
        name=read_text(obj, "name", 100, required=True),
        village=read_text(obj, "village", 20, required=True),
        due=read_day(obj.get("due"), "due"),
        phone=read_text(obj, "phone", 30),
        startup_cash=cash,
    )
