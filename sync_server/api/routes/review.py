"""Coordinator review queue (for now readable with a device token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from enrolment.protocol import PROTO
from sync_server.api.deps import CurrentDevice, SessionDep
from sync_server.services.review import open_items

router = APIRouter(prefix="/api/v1/review", tags=["review"])


@router.get("")
def review_list(_device: CurrentDevice, session: SessionDep) -> dict[str, Any]:
    """Open identity conflicts, oldest first."""
    return {"proto": PROTO, "items": open_items(session=session)}
