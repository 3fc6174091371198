"""API-only request dependencies: the authenticated device. (What the API shares with
the desk, the session and settings among it, is in sync_server/dependencies.py.)"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header

from sync_server.api.errors import ApiError
from sync_server.db import begin_read
from sync_server.dependencies import SessionDep
from sync_server.models import Device
from sync_server.services.devices import device_for_token, token_was_revoked


def get_current_device(
    session: SessionDep, authorization: Annotated[str | None, Header()] = None
) -> Device:
    """The paired, unrevoked device named by `Authorization: Bearer <token>`; else 401."""
    scheme, _, token = (authorization or "").partition(" ")
    device = None
    begin_read(session)  # ended below, before anything is written
    if scheme.lower() == "bearer" and token.strip():
        device = device_for_token(session=session, token=token.strip())
    if device is None:
        revoked = bool(token.strip()) and token_was_revoked(session=session, token=token.strip())
        code = "device_revoked" if revoked else "unauthorized"
        raise ApiError(401, code, headers={"WWW-Authenticate": "Bearer"})
    # End this lookup's transaction now (keeping the loaded device): otherwise it would
    # stay open while a slow tablet uploads its batch, and on SQLite hold the write lock.
    session.expunge(device)
    session.rollback()
    return device


CurrentDevice = Annotated[Device, Depends(get_current_device)]
