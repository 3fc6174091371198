"""Pairing a tablet with a one-time code."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError

from enrolment.protocol import PROTO
from sync_server.api.body import read_json
from sync_server.api.deps import SessionDep, SettingsDep
from sync_server.api.errors import ApiError
from sync_server.services.devices import redeem_pairing_code

router = APIRouter(prefix="/api/v1/devices", tags=["devices"])


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


@router.post("/pair")
def pair(
    raw: Annotated[Any, Depends(read_json)], session: SessionDep, settings: SettingsDep
) -> PairReply:
    """Exchange a valid, unused pairing code for a device token."""
    try:
        body = PairRequest.model_validate(raw)
    except ValidationError as exc:
        raise RequestValidationError(exc.errors(include_url=False, include_input=False)) from None
    paired = redeem_pairing_code(
        session=session,
        secret_key=settings.secret_key,
        code=body.code,
        device_name=body.device_name.strip(),
        officer=body.officer.strip(),
    )
    if paired is None:
        raise ApiError(400, "pairing_code_invalid")
    device, token = paired
    return PairReply(device_id=str(device.id), token=token)
