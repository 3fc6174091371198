"""The verification reply (`GET /api/v1/verify/{token}`), both directions.

`{"proto": 1, "status", "reason", "message": {"id", "en"}, "revoked_on"?, "card"?}`,
where `card` is what may be shown publicly about the holder: never the full NIK, only
its masked form. The server encodes its verdict with `encode_verify_reply`; any client
(a checking app, the tests) reads it with `decode_verify_reply`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Any

from enrolment.protocol import PROTO, WireError

STATUSES = ("valid", "expired", "revoked", "not_genuine")


@dataclass(frozen=True)
class VerifiedCard:
    """The public face of a genuine card."""

    serial: int
    member_no: str
    name: str
    segment: str
    segment_name: str
    village_code: str
    village: str
    nik_masked: str
    issued: date
    expires: date


@dataclass(frozen=True)
class VerifyReply:
    """A verdict on a card token."""

    status: str
    reason: str
    message_id: str
    message_en: str
    revoked_on: date | None = None
    card: VerifiedCard | None = None


def encode_verify_reply(reply: VerifyReply) -> dict[str, Any]:
    """The reply as JSON-able data."""
    out: dict[str, Any] = {
        "proto": PROTO,
        "status": reply.status,
        "reason": reply.reason,
        "message": {"id": reply.message_id, "en": reply.message_en},
    }
    if reply.revoked_on is not None:
        out["revoked_on"] = reply.revoked_on.isoformat()
    if reply.card is not None:
        card = asdict(reply.card)
        out["card"] = {
            **card,
            "issued": card["issued"].isoformat(),
            "expires": card["expires"].isoformat(),
        }
    return out


def decode_verify_reply(obj: Any) -> VerifyReply:
    """Parse a verification reply; WireError if it is not one."""
    if not isinstance(obj, dict) or obj.get("proto") != PROTO:
        raise WireError("not a verification reply")
    status, reason, message = obj.get("status"), obj.get("reason"), obj.get("message")
    if status not in STATUSES or not isinstance(reason, str) or not isinstance(message, dict):
        raise WireError("verification reply needs status, reason and message")
    texts = (message.get("id"), message.get("en"))
    if not all(isinstance(t, str) for t in texts):
        raise WireError("message needs id and en texts")
    revoked = obj.get("revoked_on")
    card = obj.get("card")
    return VerifyReply(
        status,
        reason,
        str(texts[0]),
        str(texts[1]),
        _date(revoked) if revoked is not None else None,
        _card(card) if card is not None else None,
    )


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError) as exc:
        raise WireError(f"not an ISO date: {value!r}") from exc


def _card(raw: Any) -> VerifiedCard:
    if not isinstance(raw, dict):
        raise WireError("card must be an object")
    serial = raw.get("serial")
    if not isinstance(serial, int) or isinstance(serial, bool):
        raise WireError("card.serial must be a number")
    names = ("member_no", "name", "segment", "segment_name", "village_code", "village")
    values = [raw.get(k) for k in (*names, "nik_masked")]
    if not all(isinstance(v, str) for v in values):
        raise WireError("card fields must be text")
    masked = str(values[-1])
    if any(ch.isdigit() for ch in masked[4:-4]):
        raise WireError("card.nik_masked must hide the NIK's middle digits")
    return VerifiedCard(
        serial, *[str(v) for v in values], _date(raw.get("issued")), _date(raw.get("expires"))
    )
