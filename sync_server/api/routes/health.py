"""Liveness check that also proves the database answers."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import text

from enrolment.protocol import PROTO
from sync_server.dependencies import SessionDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(session: SessionDep) -> dict[str, Any]:
    """`{"proto": 1, "status": "ok"}` when the server and its database are up."""
    session.exec(text("SELECT 1"))  # type: ignore[call-overload]
    return {"proto": PROTO, "status": "ok"}
