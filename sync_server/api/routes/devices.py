"""Pairing a tablet with a one-time code.

Anyone who can reach the server can try a code, so failed attempts are counted per
client address and for everyone together (services/throttle.py): past the limit the
answer is 429 `too_many_attempts` with Retry-After, before any code is looked at. A
code has about 40 bits; with at most 100 failures in an hour world-wide, guessing an
outstanding one would take millennia. Every failure is in the audit log with the
address and the device name sent (never the code tried).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field, ValidationError
from sqlmodel import Session

from enrolment.protocol import PROTO
from sync_server.api.body import read_json
from sync_server.api.errors import error_response
from sync_server.dependencies import SessionDep, SettingsDep, checkpoint, client_address
from sync_server.services import throttle
from sync_server.services.audit import audit
from sync_server.services.devices import redeem_pairing_code

router = APIRouter(prefix="/api/v1/devices", tags=["devices"])

# Ten wrong codes from one address, then a minute's wait that doubles with each more.
ADDRESS_POLICY = throttle.Policy(
    limit=10,
    first_wait=timedelta(minutes=1),
    max_wait=timedelta(hours=1),
    forget_after=timedelta(hours=24),
)
# A hundred wrong codes from anywhere within an hour and pairing pauses for everyone:
# many addresses together must not guess faster than one.
GLOBAL_POLICY = throttle.Policy(
    limit=100,
    first_wait=timedelta(minutes=1),
    max_wait=timedelta(minutes=15),
    forget_after=timedelta(hours=1),
)
GLOBAL_KEY = "pair:all"


class PairRequest(BaseModel):
    """What the tablet sends to pair."""

    code: str = Field(min_length=1, max_length=32)
    device_name: str = Field(min_length=1, max_length=100)
    officer: str = Field(default="", max_length=100)


class PairReply(BaseModel):
    """The device's id and its secret bearer token (shown once, stored only hashed)."""

    proto: int = PROTO
    device_id: str
    token: str


def throttled_reply(wait: int) -> JSONResponse:
    """The protocol's error object for a pairing attempt refused for `wait` seconds."""
    headers = {"Retry-After": str(wait)}
    return error_response(429, "too_many_attempts", headers, message="pairing_throttled", n=wait)


@router.post("/pair", response_model=None)
def pair(
    request: Request,
    raw: Annotated[Any, Depends(read_json)],
    session: SessionDep,
    settings: SettingsDep,
) -> PairReply | JSONResponse:
    """Exchange a valid, unused pairing code for a device token.

    A refused or wrong code is answered (not raised), so the request's unit of work
    keeps its charge and its audit entry.
    """
    try:
        body = PairRequest.model_validate(raw)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None
    address = client_address(request)
    keys = {f"pair:addr:{address}": ADDRESS_POLICY, GLOBAL_KEY: GLOBAL_POLICY}
    charged = throttle.attempt(request.app.state.engine, session, keys)
    if charged.refused:
        return throttled_reply(charged.wait)
    checkpoint(session)  # counted before the code is looked at, whatever follows
    paired = redeem_pairing_code(
        session=session,
        secret_key=settings.secret_key,
        code=body.code,
        device_name=body.device_name.strip(),
        officer=body.officer.strip(),
    )
    if paired is None:
        _audit_failure(session, address, body, charged.locked)
        return error_response(400, "pairing_code_invalid")
    throttle.forgive(session, keys)  # only failures count
    device, token = paired
    return PairReply(device_id=str(device.id), token=token)


def _audit_failure(
    session: Session, address: str, body: PairRequest, locked: tuple[str, ...]
) -> None:
    """Log a refused code (address and the names sent, never the code) and any lockout
    it started."""
    details = {
        "address": address,
        "device_name": body.device_name.strip()[:100],
        "officer": body.officer.strip()[:100],
    }
    audit(session, None, "pairing_failed", f"addr:{address}", "", details)
    for key in locked:
        target = "all" if key == GLOBAL_KEY else f"addr:{address}"
        audit(session, None, "pairing_locked", target, "", {"address": address})
