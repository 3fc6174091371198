"""Field work after enrolment (issue 14), as it travels from tablet to server: attendance
at an education session and the visit that follows up an UMKM owner's conversion (what
a pull brings for them, the area's sessions and UMKM owners due: `enrolment.worklist`).

Pure, shared by tablet and server (docs/protocol.md, Activities). An activity is made
once on the tablet and never edited: `cid` alone names it (no `ver`), and the server
stores `(device, cid)` uniquely, so a resent batch is answered from what it stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from enrolment import card_token
from enrolment.problems import Problem, problem
from enrolment.protocol import PROTO, WireError
from enrolment.text_rules import find_bad_character

ACTIVITIES_PATH = "/api/v1/sync/activities"
MAX_ACTIVITIES = 500


class Kind(StrEnum):
    """What an activity records."""

    ATTENDANCE = "attendance"
    UMKM_VISIT = "umkm_visit"


class Method(StrEnum):
    """How an attendee was recorded."""

    CARD = "card"  # their card's QR scanned (the token travels; the server checks it)
    NIK = "nik"  # NIK typed: a member, or a person not (yet) a member
    GUEST = "guest"  # not a member, no NIK at hand: a name (offered enrolment)


class VisitOutcome(StrEnum):
    """What came of an UMKM follow-up visit."""

    CONVERTED = "converted"  # paid membership starts on `starts`
    DECLINED = "declined"  # with a `reason`
    MOVED = "moved"
    NOT_FOUND = "not_found"


class ActivityOutcome(StrEnum):
    """The server's answer for one activity."""

    RECORDED = "recorded"
    DUPLICATE = "duplicate"  # this (device, cid) was received before: its answer again
    ALREADY_COUNTED = "already_counted"  # the member is counted for this session already
    REJECTED = "rejected"  # `p` says why; the tablet sets it aside for the officer


#: Answers after which the tablet holds an activity as delivered.
DELIVERED_ACTIVITY = frozenset(
    {ActivityOutcome.RECORDED, ActivityOutcome.DUPLICATE, ActivityOutcome.ALREADY_COUNTED}
)


@dataclass(frozen=True)
class Attendance:
    """One person at one session. `card` (method card) is the scanned card token, `nik`
    (method nik, optional for guest) 16 digits, `name` (guest) as told."""

    cid: str
    session: str
    method: Method
    at: str  # ISO 8601 UTC, when recorded on the tablet
    card: str = ""
    nik: str = ""
    name: str = ""
    kind: Kind = field(default=Kind.ATTENDANCE, init=False)


@dataclass(frozen=True)
class UmkmVisit:
    """A follow-up visit to an UMKM owner (`member_no`): its outcome, the day paid
    membership starts (converted) or the reason (declined)."""

    cid: str
    member_no: str
    outcome: VisitOutcome
    at: str
    starts: date | None = None
    reason: str = ""
    kind: Kind = field(default=Kind.UMKM_VISIT, init=False)


Activity = Attendance | UmkmVisit


@dataclass(frozen=True)
class ActivityResult:
    """The server's answer for one activity; `member_no` names the member an attendance
    was counted for (empty for a person who is not a member)."""

    cid: str
    outcome: ActivityOutcome
    problems: tuple[dict[str, str], ...] = ()
    member_no: str = ""


# --- activities, tablet -> server -------------------------------------------------


def activity_to_wire(activity: Activity) -> dict[str, Any]:
    """The activity as pushed; empty optional fields are left out."""
    if isinstance(activity, Attendance):
        out: dict[str, Any] = {
            "cid": activity.cid,
            "kind": Kind.ATTENDANCE.value,
            "session": activity.session,
            "method": activity.method.value,
            "at": activity.at,
        }
        for key in ("card", "nik", "name"):
            if getattr(activity, key):
                out[key] = getattr(activity, key)
        return out
    out = {
        "cid": activity.cid,
        "kind": Kind.UMKM_VISIT.value,
        "member_no": activity.member_no,
        "outcome": activity.outcome.value,
        "at": activity.at,
    }
    if activity.starts is not None:
        out["starts"] = activity.starts.isoformat()
    if activity.reason:
        out["reason"] = activity.reason
    return out


def activity_from_wire(obj: Any) -> Activity:
    """Parse one pushed activity; WireError if it is not of this protocol's shape.
    Domain rules (a real NIK, a reason for a refusal) are `activity_problems`'."""
    if not isinstance(obj, dict):
        raise WireError("an activity must be an object")
    cid = read_text(obj, "cid", 64, required=True)
    kind = read_enum(Kind, obj.get("kind"), "kind")
    at = read_text(obj, "at", 40, required=True)
    if kind is Kind.ATTENDANCE:
        return Attendance(
            cid=cid,
            session=read_text(obj, "session", 32, required=True),
            method=read_enum(Method, obj.get("method"), "method"),
            at=at,
            card=read_text(obj, "card", 2000),
            nik=read_text(obj, "nik", 32),
            name=read_text(obj, "name", 100),
        )
    starts = obj.get("starts")
    return UmkmVisit(
        cid=cid,
        member_no=read_text(obj, "member_no", 20, required=True),
        outcome=read_enum(VisitOutcome, obj.get("outcome"), "outcome"),
        at=at,
        starts=None if starts is None else read_day(starts, "starts"),
        reason=read_text(obj, "reason", 200),
    )


def activity_problems(activity: Activity) -> list[Problem]:
    """What is wrong with a well-formed activity (empty: nothing), checked the same on
    the tablet before saving and on the server at push."""
    if isinstance(activity, UmkmVisit):
        return _visit_problems(activity)
    found: list[Problem] = []
    if activity.method is Method.CARD and not activity.card:
        found.append(problem("card", "attendance_card_missing"))
    if activity.method is Method.NIK and not activity.nik:
        found.append(problem("nik", "attendance_nik_missing"))
    if activity.nik and not _is_nik(activity.nik):
        found.append(problem("nik", "attendance_nik_format"))
    if activity.method is Method.GUEST and not activity.name.strip():
        found.append(problem("name", "attendance_name_missing"))
    if activity.name and find_bad_character(activity.name):
        found.append(problem("name", "attendance_name_characters"))
    return found


def _visit_problems(visit: UmkmVisit) -> list[Problem]:
    found: list[Problem] = []
    if visit.outcome is VisitOutcome.CONVERTED and visit.starts is None:
        found.append(problem("starts", "visit_start_missing"))
    if visit.outcome is not VisitOutcome.CONVERTED and visit.starts is not None:
        found.append(problem("starts", "visit_start_only_converted"))
    if visit.outcome is VisitOutcome.DECLINED and not visit.reason.strip():
        found.append(problem("reason", "visit_reason_missing"))
    if visit.reason and find_bad_character(visit.reason):
        found.append(problem("reason", "visit_reason_characters"))
    return found


def _is_nik(text: str) -> bool:
    return len(text) == 16 and text.isascii() and text.isdigit()


def activities_digest(cids: list[str]) -> str:
    """`b` of an activities reply: binds it to the batch it answers (as
    `enrolment.protocol.batch_digest` for enrolments)."""
    text = "\n".join(cids)
    return card_token.b64e(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:9])


def wire_cids(activities: list[Any]) -> list[str]:
    """The `cid` of each raw pushed activity ("" where it has none): what the server
    computes `b` over, so a malformed item still answers in its place."""
    out = []
    for obj in activities:
        cid = obj.get("cid") if isinstance(obj, dict) else None
        out.append(cid if isinstance(cid, str) else "")
    return out


def encode_activities_reply(
    cids: list[str], results: list[ActivityResult], srv: str = ""
) -> dict[str, Any]:
    """The push reply: one result per activity in the order sent, bound by `b`."""
    items = []
    for result in results:
        item: dict[str, Any] = {"o": result.outcome.value}
        if result.problems:
            item["p"] = [dict(p) for p in result.problems]
        if result.member_no:
            item["m"] = result.member_no
        items.append(item)
    reply: dict[str, Any] = {"proto": PROTO, "b": activities_digest(cids), "results": items}
    if srv:
        reply["srv"] = srv
    return reply


def decode_activities_reply(obj: Any, sent: list[Activity]) -> list[ActivityResult]:
    """The tablet's reading of a push reply; WireError unless it is a proto-1 reply
    for exactly this batch (`b`, one result per activity)."""
    if not isinstance(obj, dict) or obj.get("proto") != PROTO:
        raise WireError("not a sync protocol reply")
    if obj.get("b") != activities_digest([a.cid for a in sent]):
        raise WireError("reply is not for this batch")
    items = obj.get("results")
    if not isinstance(items, list) or len(items) != len(sent):
        raise WireError("one result per activity expected")
    results = []
    for activity, item in zip(sent, items, strict=True):
        if not isinstance(item, dict):
            raise WireError("a result must be an object")
        problems = item.get("p") or []
        if not isinstance(problems, list) or not all(isinstance(p, dict) for p in problems):
            raise WireError("problems must be a list of objects")
        member_no = item.get("m") or ""
        if not isinstance(member_no, str):
            raise WireError("m must be text")
        outcome = read_enum(ActivityOutcome, item.get("o"), "o")
        results.append(ActivityResult(activity.cid, outcome, tuple(problems), member_no))
    return results


# --- readers (enrolment.worklist reads with them too) -----------------------------


def read_text(obj: dict[str, Any], key: str, limit: int, *, required: bool = False) -> str:
    """`obj[key]` as text of at most `limit` characters ("" if absent and optional)."""
    value = obj.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value) > limit or (required and not value):
        raise WireError(f"{key} must be text of at most {limit} characters")
    return value


_E = TypeVar("_E", bound=StrEnum)


def read_enum(enum: type[_E], value: Any, key: str) -> _E:
    """`value` as a member of `enum`; WireError if it is none."""
    try:
        return enum(value)
    except ValueError:
        raise WireError(f"unknown {key} {value!r}") from None


def read_day(value: Any, key: str) -> date:
    """`value` as a date written YYYY-MM-DD; WireError otherwise."""
    if not isinstance(value, str) or len(value) != 10:
        raise WireError(f"{key} must be a date YYYY-MM-DD")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WireError(f"{key} must be a date YYYY-MM-DD") from None
