"""The activities endpoint: attendance at education sessions and UMKM follow-up visits
recorded on a tablet (docs/protocol.md, Activities). Thin: the work is
`services/activity_ingest.py`; the request's unit of work commits.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse

from enrolment.activities import ACTIVITIES_PATH, encode_activities_reply, wire_cids
from sync_server.api.body import read_activities
from sync_server.api.deps import CurrentDevice
from sync_server.dependencies import IdentityDep, SessionDep
from sync_server.desk_format import to_wita
from sync_server.models import utcnow
from sync_server.services.activity_ingest import record_activities

router = APIRouter(tags=["sync"])


@router.post(ACTIVITIES_PATH)
def activities_route(
    device: CurrentDevice,
    activities: Annotated[list[Any], Depends(read_activities)],
    session: SessionDep,
    identity: IdentityDep,
) -> JSONResponse:
    """Record a batch of activities and answer each, in the order sent."""
    # The district's day (WITA): a card expiring today still counts today in Lombok.
    today = to_wita(utcnow()).date()
    results = record_activities(session=session, device=device, activities=activities, today=today)
    return JSONResponse(
        encode_activities_reply(wire_cids(activities), results, srv=identity.wire())
    )
