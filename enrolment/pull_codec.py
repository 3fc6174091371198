"""The pull reply (docs/protocol.md, Pull), both directions: the server builds it with
`encode_pull_reply`, the tablet reads it with `decode_pull_reply`.

The roster travels as `{"salt", "hashes", "full"}`: `salt` is the HMAC key of the
roster (base64url), `hashes` the roster's units in their wire form
(`enrolment.roster.encode_unit`, "kecamatan|prefix|M|buckets"; the key keeps its old
name), `full` whether they replace the tablet's roster or add to it. Units are kept as
text here: the tablet's store decodes them (`roster.decode_unit`) and drops what is not
a unit, such as the 32-bit hashes an older server sent.

The contribution schedule travels as `rates`, `{"tables": [...]}` in the shipped rates
file's form (`enrolment.contribution_schedule.schedule_to_dict`): the tables in force on
the server, which the tablet's contribution estimate uses. Optional both ways: an older
server sends none (the tablet keeps its shipped file) and an older tablet ignores it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from enrolment.contribution_schedule import (
    Schedule,
    ScheduleError,
    schedule_from_dict,
    schedule_to_dict,
)
from enrolment.protocol import PROTO, RecordResult, WireError
from enrolment.worklist import (
    EducationSession,
    UmkmDue,
    due_from_wire,
    due_to_wire,
    session_from_wire,
    session_to_wire,
)

_T = TypeVar("_T")


@dataclass(frozen=True)
class PullReply:
    """What a pull tells the tablet."""

    cursor: str  # opaque: sent back as is on the next pull
    keys: dict[str, str]  # card-signing public keys: key id -> raw Ed25519 key, base64url
    revoked: tuple[int, ...]  # card serials revoked since the cursor
    updates: tuple[RecordResult, ...]  # later outcomes of this tablet's own submissions
    roster_salt: str  # the roster's key, base64url ("" if the reply carries none)
    roster_units: tuple[str, ...]  # units in wire form (`enrolment.roster.encode_unit`)
    roster_full: bool  # True: replace the tablet's roster with these; False: add them
    rewound: bool = False  # the server is behind the tablet: reconcile
    srv: str = ""  # server identity "<server_id>.<generation>" ("" from an older server)
    # The server's public address (PUBLIC_BASE_URL): the card QR's link, so the tablet's
    # card and the printed card are the same link ("" from an older server).
    public_url: str = ""
    # Days the tablet keeps records the server accepted (0: no limit, or an older server).
    keep_days: int = 0
    # The server's contribution schedule (None from an older server).
    schedule: Schedule | None = None
    # The education sessions of the tablet's area and the UMKM owners of its area due a
    # follow-up visit, each sent whole (None from an older server: keep what you hold).
    sessions: tuple[EducationSession, ...] | None = None
    umkm_due: tuple[UmkmDue, ...] | None = None


def encode_pull_reply(
    *,
    cursor: str,
    keys: Sequence[Mapping[str, Any]],
    revoked: Sequence[int],
    updates: Sequence[Mapping[str, Any]],
    roster_salt: str,
    roster_units: Sequence[str],
    roster_full: bool,
    rewound: bool,
    srv: str = "",
    schedule: Schedule | None = None,
    sessions: Sequence[EducationSession] | None = None,
    umkm_due: Sequence[UmkmDue] | None = None,
) -> dict[str, Any]:
    """The pull reply as sent. `keys` in the form of /api/v1/keys (`kid`, `alg`, `x`,
    `active`), `updates` as stored (`cid`, `ver`, `outcome`, `member_no`?, `card`?,
    `problems`?); `srv` is left out when empty (the route may add it), and so are
    `rates` without a `schedule`, `sessions` and `umkm_due` when None."""
    reply: dict[str, Any] = {
        "proto": PROTO,
        "rewound": rewound,
        "cursor": cursor,
        "keys": [dict(k) for k in keys],
        "revoked": list(revoked),
        "updates": [dict(u) for u in updates],
        "roster": {"salt": roster_salt, "hashes": list(roster_units), "full": roster_full},
    }
    if srv:
        reply["srv"] = srv
    if schedule is not None:
        reply["rates"] = schedule_to_dict(schedule)
    if sessions is not None:
        reply["sessions"] = [session_to_wire(x) for x in sessions]
    if umkm_due is not None:
        reply["umkm_due"] = [due_to_wire(x) for x in umkm_due]
    return reply


def decode_pull_reply(obj: Any) -> PullReply:
    """Parse a pull reply; raises WireError unless it is a well-formed proto-1 reply.

    As before, `revoked`, `updates`, `roster` and its parts may be absent (empty);
    `cursor` and `keys` may not.
    """
    if not isinstance(obj, dict) or obj.get("proto") != PROTO:
        raise WireError("not a sync protocol reply")
    cursor = obj.get("cursor")
    if not isinstance(cursor, str):
        raise WireError("pull reply needs a cursor")
    roster = obj.get("roster")
    roster = {} if roster is None else roster  # a device without an area, an older server
    if not isinstance(roster, dict):
        raise WireError("roster must be an object")
    srv = obj.get("srv")
    return PullReply(
        cursor=cursor,
        keys=_keys(obj.get("keys")),
        revoked=_serials(obj.get("revoked", [])),
        updates=tuple(RecordResult.from_update(u) for u in _list(obj, "updates")),
        roster_salt=_text(roster, "salt"),
        roster_units=tuple(_units(roster)),
        roster_full=bool(roster.get("full")),
        rewound=obj.get("rewound") is True,
        srv=srv if isinstance(srv, str) else "",
        public_url=_text(obj, "public_url"),
        keep_days=_days(obj.get("keep_days")),
        schedule=_schedule(obj.get("rates")),
        sessions=_optional_list(obj, "sessions", session_from_wire),
        umkm_due=_optional_list(obj, "umkm_due", due_from_wire),
    )


def _optional_list(
    obj: dict[str, Any], key: str, read: Callable[[Any], _T]
) -> tuple[_T, ...] | None:
    """A list sent whole, each item read by `read` (None if the reply has no such key)."""
    if key not in obj or obj[key] is None:
        return None
    return tuple(read(item) for item in _list(obj, key))


def _schedule(value: Any) -> Schedule | None:
    """The contribution schedule, if the reply carries one; WireError if it is not a
    usable schedule in the rates file's form (`{"tables": [...]}`)."""
    if value is None:
        return None
    if not isinstance(value, dict) or "tables" not in value:
        raise WireError("rates must be an object with tables")
    try:
        return schedule_from_dict(value)
    except ScheduleError as exc:
        raise WireError(f"rates: {exc}") from None


def _days(value: Any) -> int:
    if value is None:
        return 0
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 36_500:
        raise WireError("keep_days must be a number of days")
    return value


def _list(obj: dict[str, Any], key: str) -> list[Any]:
    value = obj.get(key) or []
    if not isinstance(value, list):
        raise WireError(f"{key} must be a list")
    return value


def _keys(raw: Any) -> dict[str, str]:
    if not isinstance(raw, list):
        raise WireError("pull reply needs keys")
    keys: dict[str, str] = {}
    for key in raw:
        if not isinstance(key, dict):
            raise WireError("a key must be an object")
        kid, x = key.get("kid"), key.get("x")
        if not isinstance(kid, str) or not isinstance(x, str):
            raise WireError("a key needs kid and x")
        keys[kid] = x
    return keys


def _serials(raw: Any) -> tuple[int, ...]:
    if not isinstance(raw, list) or not all(type(n) is int for n in raw):
        raise WireError("revoked must be a list of card serials")
    return tuple(raw)


def _text(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key) or ""
    if not isinstance(value, str):
        raise WireError(f"{key} must be text")
    return value


def _units(roster: dict[str, Any]) -> list[str]:
    units = _list(roster, "hashes")
    if not all(isinstance(u, str) for u in units):
        raise WireError("roster units must be text")
    return units
