"""The sync endpoints: push a batch of enrolments, pull what the tablet must learn."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from fastapi.responses import JSONResponse

from enrolment.protocol import encode_push_reply
from sync_server.api.body import read_push_records
from sync_server.api.deps import (
    CurrentDevice,
    RosterSaltDep,
    SessionDep,
    SettingsDep,
    SignerDep,
)
from sync_server.api.errors import ApiError
from sync_server.services import ingest
from sync_server.services.pull import PullError, pull

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])


@router.post("/push")
def push_route(
    device: CurrentDevice,
    records: Annotated[list[Any], Depends(read_push_records)],
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> JSONResponse:
    """Ingest a batch (see docs/protocol.md) and answer each record."""
    results = ingest.push(
        session=session,
        device=device,
        records=records,
        signer=signer,
        valid_years=settings.card_valid_years,
    )
    # A JSONResponse directly: FastAPI's generic encoder would walk 500 results again.
    return JSONResponse(encode_push_reply(records, results))


@router.get("/pull")
def pull_route(
    device: CurrentDevice,
    session: SessionDep,
    salt: RosterSaltDep,
    cursor: Annotated[str, Query(max_length=64)] = "",
    kec: Annotated[str, Query(max_length=1000)] = "",
) -> JSONResponse:
    """Keys, revocations, review outcomes and roster since `cursor` (see docs/protocol.md)."""
    assert device.id is not None
    try:
        body = pull(
            session=session, device_id=device.id, cursor_text=cursor, kec_text=kec, salt=salt
        )
    except PullError as exc:
        raise ApiError(400, exc.code) from None
    return JSONResponse(body)
