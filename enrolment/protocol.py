"""The sync wire protocol (version 1): JSON shapes shared by tablet and server.

See docs/protocol.md. Every reply carries `"proto": 1`, so a client can tell a
real reply from, say, a captive portal's HTML page that also answered 200.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any

from enrolment.problems import Problem, problem
from enrolment.records import Consent, Enrolment

PROTO = 1
MAX_BATCH = 500

PAIR_PATH = "/api/v1/devices/pair"
PUSH_PATH = "/api/v1/sync/push"
KEYS_PATH = "/api/v1/keys"


class Outcome(StrEnum):
    """What the server did with one submitted record."""

    CREATED = "created"  # a new member was made for this NIK
    MERGED = "merged"  # the NIK was known with the same identity: same member
    DUPLICATE = "duplicate"  # this exact submission was received before: nothing changed
    CONFLICT = "conflict"  # NIK known with a different name/birth date: sent to review
    REJECTED = "rejected"  # invalid: the officer must correct it


#: Outcomes after which the tablet may consider the record delivered.
DELIVERED = frozenset({Outcome.CREATED, Outcome.MERGED, Outcome.DUPLICATE})


class WireError(ValueError):
    """A payload that is not a well-formed message of this protocol."""


def record_to_wire(record: Enrolment) -> dict[str, Any]:
    """The record as sent in a push batch."""
    return {
        "cid": record.client_id,
        "ver": record.version,
        "nik": record.nik,
        "name": record.full_name,
        "birth_date": record.birth_date,
        "sex": record.sex,
        "village": record.village_code,
        "phone": record.phone,
        "segment": record.segment,
        "consent": asdict(record.consent),
        "created_at": record.created_at,
    }


def _str(obj: dict[str, Any], key: str, limit: int = 200) -> str:
    value = obj.get(key, "")
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise WireError(f"{key} must be a string of at most {limit} characters")
    return value


def record_from_wire(obj: Any) -> Enrolment:
    """Parse one pushed record; raises WireError if its shape is wrong.

    Only the shape is checked here; the domain rules are `records.validate`.
    """
    if not isinstance(obj, dict):
        raise WireError("record must be an object")
    cid = _str(obj, "cid", 64)
    if not cid:
        raise WireError("cid is required")
    ver = obj.get("ver")
    if not isinstance(ver, int) or isinstance(ver, bool) or not 1 <= ver <= 1_000_000:
        raise WireError("ver must be a positive integer")
    consent = obj.get("consent")
    if not isinstance(consent, dict):
        raise WireError("consent must be an object")
    given = consent.get("given")
    if not isinstance(given, bool):
        raise WireError("consent.given must be true or false")
    return Enrolment(
        client_id=cid,
        version=ver,
        nik=_str(obj, "nik", 40),
        full_name=_str(obj, "name"),
        birth_date=_str(obj, "birth_date", 20),
        sex=_str(obj, "sex", 2),
        village_code=_str(obj, "village", 20),
        phone=_str(obj, "phone", 30),
        segment=_str(obj, "segment", 40),
        consent=Consent(
            given=given,
            by=_str(consent, "by"),
            method=_str(consent, "method", 20),
            at=_str(consent, "at", 40),
        ),
        created_at=_str(obj, "created_at", 40),
    )


@dataclass
class RecordResult:
    """The server's answer for one record of a push."""

    cid: str
    ver: int
    outcome: Outcome
    member_no: str | None = None
    card: str | None = None  # signed card token
    problems: list[dict[str, str]] = field(default_factory=list)

    def to_wire(self) -> dict[str, Any]:
        """The result as JSON, leaving out empty fields."""
        out: dict[str, Any] = {"cid": self.cid, "ver": self.ver, "outcome": self.outcome.value}
        if self.member_no:
            out["member_no"] = self.member_no
        if self.card:
            out["card"] = self.card
        if self.problems:
            out["problems"] = self.problems
        return out

    @classmethod
    def from_wire(cls, obj: Any) -> RecordResult:
        """Parse one result from a push reply; raises WireError if malformed."""
        if not isinstance(obj, dict):
            raise WireError("result must be an object")
        try:
            outcome = Outcome(obj.get("outcome"))
        except ValueError as exc:
            raise WireError(f"unknown outcome {obj.get('outcome')!r}") from exc
        cid, ver = obj.get("cid"), obj.get("ver")
        if not isinstance(cid, str) or not isinstance(ver, int):
            raise WireError("result needs cid and ver")
        problems = obj.get("problems") or []
        if not isinstance(problems, list) or not all(isinstance(p, dict) for p in problems):
            raise WireError("problems must be a list of objects")
        return cls(cid, ver, outcome, obj.get("member_no"), obj.get("card"), problems)


def rejected(cid: str, ver: int, problems: list[Problem]) -> RecordResult:
    """A rejection result carrying the problems in both languages."""
    return RecordResult(cid, ver, Outcome.REJECTED, problems=[p.to_wire() for p in problems])


def malformed(cid: str, ver: int, detail: str) -> RecordResult:
    """A rejection for a record whose shape could not be read."""
    return rejected(cid, ver, [problem("record", "malformed", detail=detail)])


def parse_push_reply(obj: Any) -> list[RecordResult]:
    """Parse a push reply; raises WireError unless it is a proto-1 reply with results."""
    if not isinstance(obj, dict) or obj.get("proto") != PROTO:
        raise WireError("not a sync protocol reply")
    results = obj.get("results")
    if not isinstance(results, list):
        raise WireError("reply has no results list")
    return [RecordResult.from_wire(r) for r in results]
