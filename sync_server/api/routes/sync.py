"""The push endpoint: a batch of enrolments in, one result per record out."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends

from enrolment.protocol import encode_push_reply
from sync_server.api.body import read_push_records
from sync_server.api.deps import CurrentDevice, SessionDep, SettingsDep, SignerDep
from sync_server.services import ingest

router = APIRouter(prefix="/api/v1/sync", tags=["sync"])


@router.post("/push")
def push(
    device: CurrentDevice,
    records: Annotated[list[Any], Depends(read_push_records)],
    session: SessionDep,
    settings: SettingsDep,
    signer: SignerDep,
) -> dict[str, Any]:
    """Ingest a batch (see docs/protocol.md) and answer each record."""
    results = ingest.push(
        session=session,
        device=device,
        records=records,
        signer=signer,
        valid_years=settings.card_valid_years,
    )
    return encode_push_reply(records, results)
