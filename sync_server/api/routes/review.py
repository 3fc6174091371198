"""The review queue as JSON, for signed-in desk users (the desk pages are in sync_server/web).

It used to accept a device token; review is a coordinator's job, so tablets get 401
now and learn outcomes through pull instead.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from enrolment.protocol import PROTO
from sync_server.dependencies import ApiUserDep, SessionDep
from sync_server.services.review import open_items

router = APIRouter(prefix="/api/v1/review", tags=["review"])


@router.get("")
def review_list(_user: ApiUserDep, session: SessionDep) -> dict[str, Any]:
    """Open review items, oldest first."""
    return {"proto": PROTO, "items": open_items(session=session)}
