"""The sync wire protocol (version 1): JSON shapes shared by tablet and server.

See docs/protocol.md. Every reply carries `"proto": 1`, so a client can tell a
real reply from, say, a captive portal's HTML page that also answered 200.
Revision 2 of the app adds, within proto 1 (an older app ignores extra keys, and
the server sends the newer outcomes only to a tablet that says `"rev": 2`):
the `superseded` outcome, the server identity `srv` in every reply, and `b`, a
digest binding a push reply to the batch it answers; revision 3 the `held` outcome.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from enrolment import card_token
from enrolment.fields import BY_WIRE, RECORD_FIELDS
from enrolment.household import Household
from enrolment.problems import Problem, problem
from enrolment.records import Consent, Enrolment
from enrolment.text_rules import find_bad_character

PROTO = 1
#: The app revision this code speaks (see the module docstring).
REVISION = 3
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
    # A newer version of this record from this tablet was received first: this one
    # changed nothing, and the tablet (which holds the newer one) treats it as delivered.
    SUPERSEDED = "superseded"
    HELD = "held"  # likely a member's duplicate under another NIK: the coordinator decides


#: Outcomes after which the tablet may consider the record delivered.
DELIVERED = frozenset({Outcome.CREATED, Outcome.MERGED, Outcome.DUPLICATE, Outcome.SUPERSEDED})


def batch_digest(keys: list[tuple[str, int]]) -> str:
    """A short digest of a batch's `(cid, ver)` keys in order: the push reply echoes it
    as `b`, so a replayed or misrouted reply cannot be applied to another batch."""
    text = "\n".join(f"{cid}:{ver}" for cid, ver in keys)
    return card_token.b64e(hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()[:9])


class WireError(ValueError):
    """A payload that is not a well-formed message of this protocol."""


def record_to_wire(record: Enrolment) -> dict[str, Any]:
    """The record as sent in a push batch: its fields (`enrolment.fields`) in wire order.

    Optional fields (since app version 2) are left out when unset, so a record from an
    older app has exactly the wire form (and content hash) it always had.
    """
    out: dict[str, Any] = {}
    for spec in RECORD_FIELDS:
        value = getattr(record, spec.attr)
        if spec.optional and _unset(value):
            continue
        write = _TO_WIRE.get(spec.kind)
        out[spec.wire] = write(value) if write else value
    return out


def _unset(value: Any) -> bool:
    # `is False`, not falsy: an income of 0 and empty details {} are values.
    return value is None or value is False or value == ""


#: How a field of each non-plain kind is written; every other kind goes as it is.
#: Spelled out, not `asdict` (a deep copy): this runs for every record pushed.
_TO_WIRE: dict[str, Callable[[Any], Any]] = {
    "consent": lambda c: {"given": c.given, "by": c.by, "method": c.method, "at": c.at},
    "details": dict,
    "household": lambda h: {"kk": h.kk, "relation": h.relation, "head": h.head},
}


MAX_DETAILS = 20


def _details(obj: dict[str, Any], key: str) -> dict[str, Any] | None:
    raw = obj.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict) or len(raw) > MAX_DETAILS:
        raise WireError(f"details must be an object of at most {MAX_DETAILS} fields")
    out: dict[str, Any] = {}
    for name, value in raw.items():
        if not isinstance(name, str) or len(name) > 40 or find_bad_character(name, strict=True):
            raise WireError("details keys must be short strings")
        if isinstance(value, bool) or not isinstance(value, str | int | float | None):
            raise WireError(f"details.{name} must be text or a number")
        if isinstance(value, str) and len(value) > 200:
            raise WireError(f"details.{name} is too long")
        out[name] = value
    return out


def _household(obj: dict[str, Any], key: str) -> Household | None:
    raw = obj.get(key)
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise WireError("household must be an object")
    return Household(
        kk=_str(raw, "kk", 40), relation=_str(raw, "relation", 20), head=_str(raw, "head", 64)
    )


def _income(obj: dict[str, Any], key: str) -> int | None:
    value = obj.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise WireError("income must be a whole number of rupiah")
    return value


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
    values = {}
    for spec in RECORD_FIELDS:
        read = _FROM_WIRE.get(spec.kind)
        values[spec.attr] = read(obj, spec.wire) if read else _str(obj, spec.wire, spec.max_len)
    return Enrolment(**values)


def _cid(obj: dict[str, Any], key: str) -> str:
    cid = _str(obj, key, BY_WIRE[key].max_len)
    if not cid:
        raise WireError(f"{key} is required")
    return cid


def _ver(obj: dict[str, Any], key: str) -> int:
    ver = obj.get(key)
    if not isinstance(ver, int) or isinstance(ver, bool) or not 1 <= ver <= 1_000_000:
        raise WireError("ver must be a positive integer")
    return ver


def _consent(obj: dict[str, Any], key: str) -> Consent:
    consent = obj.get(key)
    if not isinstance(consent, dict):
        raise WireError("consent must be an object")
    given = consent.get("given")
    if not isinstance(given, bool):
        raise WireError("consent.given must be true or false")
    by, method, at = _str(consent, "by"), _str(consent, "method", 20), _str(consent, "at", 40)
    return Consent(given=given, by=by, method=method, at=at)


def _bool(obj: dict[str, Any], key: str) -> bool:
    value = obj.get(key, False)
    if not isinstance(value, bool):
        raise WireError(f"{key} must be true or false")
    return value


#: How a field of each kind with its own shape is read; every other kind (a string
#: kind, `enrolment.fields.STRING_KINDS`) is a string of at most the field's max_len.
_FROM_WIRE: dict[str, Callable[[dict[str, Any], str], Any]] = {
    "id": _cid,
    "version": _ver,
    "consent": _consent,
    "details": _details,
    "money": _income,
    "flag": _bool,
    "household": _household,
}


@dataclass
class RecordResult:
    """The server's answer for one record of a push (the full card token in memory;
    on the wire it travels compactly, see `encode_push_reply`)."""

    cid: str
    ver: int
    outcome: Outcome
    member_no: str | None = None
    card: str | None = None  # signed card token
    problems: list[dict[str, str]] = field(default_factory=list)

    @classmethod
    def from_update(cls, obj: Any) -> RecordResult:
        """Parse a pull `updates` entry: a later outcome for a record this tablet sent
        (`{"cid", "ver", "outcome", "member_no"?, "card"?, "problems"?}`)."""
        if not isinstance(obj, dict):
            raise WireError("update must be an object")
        try:
            outcome = Outcome(obj.get("outcome"))
        except ValueError as exc:
            raise WireError(f"unknown outcome {obj.get('outcome')!r}") from exc
        cid, ver = obj.get("cid"), obj.get("ver")
        if not isinstance(cid, str) or not isinstance(ver, int):
            raise WireError("update needs cid and ver")
        problems = obj.get("problems") or []
        if not isinstance(problems, list):
            raise WireError("problems must be a list")
        return cls(cid, ver, outcome, obj.get("member_no"), obj.get("card"), problems)


def wire_keys(records: list[Any]) -> list[tuple[str, int]]:
    """The `(cid, ver)` of each raw pushed record as sent (`("", 0)` parts where the
    record does not have them): what `batch_digest` is computed over on the server."""
    keys = []
    for obj in records:
        cid = obj.get("cid") if isinstance(obj, dict) else None
        ver = obj.get("ver") if isinstance(obj, dict) else None
        keys.append((cid if isinstance(cid, str) else "", ver if type(ver) is int else 0))
    return keys


def encode_push_reply(
    records: list[Any], results: list[RecordResult], *, srv: str = ""
) -> dict[str, Any]:
    """The push reply: one compact result per record, in the order records were sent.

    Results carry no client id (the position says which record) and no copy of what
    the tablet already knows: a card is its serial and signature, plus only the claims
    that differ from the record as sent or from the batch's key id and dates. The
    tablet rebuilds the token with `decode_push_reply`. This keeps a synced record
    near 150 bytes on the wire, signature included.
    """
    if len(records) != len(results):
        raise ValueError("one result per record")
    parts = [card_token.split_token(r.card) if r.card else None for r in results]
    first = next((p for p in parts if p is not None), None)
    batch: dict[str, str] = {}
    if first is not None:
        batch = {
            "kid": first.kid,
            "issued": _ymd(first.claims.issued),
            "expires": _ymd(first.claims.expires),
        }
    out = [
        _compact(record, result, card, batch)
        for record, result, card in zip(records, results, parts, strict=True)
    ]
    bound = {"srv": srv, "b": batch_digest(wire_keys(records))} if srv else {}
    return {"proto": PROTO, **bound, **batch, "results": out}


def _compact(
    record: Any, result: RecordResult, card: card_token.TokenParts | None, batch: dict[str, str]
) -> dict[str, Any]:
    """One result as it travels: outcome, member number, problems, and the card as its
    serial, signature and only the claims the tablet cannot rebuild (`x`)."""
    item: dict[str, Any] = {"o": result.outcome.value}
    if result.member_no:
        item["m"] = result.member_no
    if result.problems:
        item["p"] = result.problems
    if card is None:
        return item
    c = card.claims
    item["s"], item["g"] = c.serial, card.signature
    sent = record if isinstance(record, dict) else {}
    mine = {
        "n": (c.name, sent.get("name")),
        "sg": (c.segment, sent.get("segment")),
        "v": (c.village_code, sent.get("village")),
        "k": (card.kid, batch.get("kid")),
        "i": (_ymd(c.issued), batch.get("issued")),
        "e": (_ymd(c.expires), batch.get("expires")),
        "mn": (c.member_no, result.member_no),
    }
    extra = {k: value for k, (value, known) in mine.items() if value != known}
    if extra:
        item["x"] = extra
    return item


def _ymd(day: date) -> str:
    return day.strftime("%Y%m%d")


def _from_ymd(text: Any) -> date:
    if not isinstance(text, str) or len(text) != 8 or not text.isdigit():
        raise WireError("date must be YYYYMMDD")
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError as exc:
        raise WireError("date must be YYYYMMDD") from exc


def decode_push_reply(obj: Any, sent: list[Enrolment]) -> list[RecordResult]:
    """Parse a push reply to the records `sent`, rebuilding each card token.

    Raises WireError unless it is a proto-1 reply with exactly one result per record,
    bound to this very batch (`b`) when the server is one that binds its replies.
    """
    if not isinstance(obj, dict) or obj.get("proto") != PROTO:
        raise WireError("not a sync protocol reply")
    items = obj.get("results")
    if not isinstance(items, list) or len(items) != len(sent):
        raise WireError("reply must have one result per record sent")
    if "srv" in obj or "b" in obj:
        keys = [(r.client_id, r.version) for r in sent]
        if obj.get("b") != batch_digest(keys):
            raise WireError("reply is for another batch")
    out: list[RecordResult] = []
    for record, item in zip(sent, items, strict=True):
        out.append(_decode_result(obj, record, item))
    return out


def _decode_result(obj: dict[str, Any], record: Enrolment, item: Any) -> RecordResult:
    """One compact result of a push reply, its card token rebuilt from `record`."""
    if not isinstance(item, dict):
        raise WireError("result must be an object")
    try:
        outcome = Outcome(item.get("o"))
    except ValueError as exc:
        raise WireError(f"unknown outcome {item.get('o')!r}") from exc
    problems = item.get("p") or []
    if not isinstance(problems, list) or not all(isinstance(p, dict) for p in problems):
        raise WireError("problems must be a list of objects")
    member_no = item.get("m")
    if member_no is not None and not isinstance(member_no, str):
        raise WireError("member number must be text")
    token = _rebuild_card(obj, record, item, member_no) if "g" in item else None
    return RecordResult(record.client_id, record.version, outcome, member_no, token, problems)


def _card_extras(item: dict[str, Any]) -> dict[str, str]:
    """The `x` claims of a compact result, checked: text values, and an integer serial."""
    x = item.get("x") or {}
    if not isinstance(x, dict) or type(item.get("s")) is not int:
        raise WireError("card needs a serial")
    if not all(isinstance(v, str) for v in x.values()):
        raise WireError("card claims must be text")
    return x


def _rebuild_card(
    obj: dict[str, Any], record: Enrolment, item: dict[str, Any], member_no: str | None
) -> str:
    """The full card token of a compact result: the record's own claims, overridden by `x`."""
    x = _card_extras(item)
    claims = card_token.CardClaims(
        serial=item["s"],
        member_no=x.get("mn") or member_no or "",
        name=x.get("n") or record.full_name,
        segment=x.get("sg") or record.segment,
        village_code=x.get("v") or record.village_code,
        issued=_from_ymd(x.get("i") or obj.get("issued")),
        expires=_from_ymd(x.get("e") or obj.get("expires")),
    )
    kid = x.get("k") or obj.get("kid")
    if not isinstance(kid, str) or not isinstance(item["g"], str):
        raise WireError("card needs a key id and signature")
    try:
        signature = card_token.b64d(item["g"])
        return card_token.assemble(kid, card_token.encode_claims(claims), signature)
    except (card_token.CardTokenError, ValueError, KeyError, TypeError) as exc:
        raise WireError("card cannot be rebuilt") from exc


def rejected(cid: str, ver: int, problems: list[Problem]) -> RecordResult:
    """A rejection result carrying the problems in both languages."""
    return RecordResult(cid, ver, Outcome.REJECTED, problems=[p.to_wire() for p in problems])


def malformed(cid: str, ver: int, detail: str) -> RecordResult:
    """A rejection for a record whose shape could not be read."""
    return rejected(cid, ver, [problem("record", "malformed", detail=detail)])
