"""Request dependencies: database session, settings, signer, authenticated device."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from sqlmodel import Session

from sync_server.api.errors import ApiError
from sync_server.config import Settings
from sync_server.db import read_session
from sync_server.models import Device
from sync_server.services.devices import device_for_token
from sync_server.services.server_identity import ServerIdentity
from sync_server.services.signing import Signer


def get_session(request: Request) -> Iterator[Session]:
    """One session (and transaction) per request; rolled back unless a service commits."""
    with Session(request.app.state.engine) as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for pages that only read: on SQLite its transactions begin DEFERRED, so
    rendering a desk page never holds (or waits for) the write lock tablets push under."""
    with read_session(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def get_signer(request: Request, session: Annotated[Session, Depends(get_session)]) -> Signer:
    """The active card signer (a key rotated in by the CLI takes effect at once)."""
    idle = not session.in_transaction()
    signer = request.app.state.signers.current(session)
    if idle:
        # End the lookup's transaction: on SQLite it holds the write lock (BEGIN
        # IMMEDIATE), and a push still validates its records before writing anything.
        session.rollback()
    return signer


def get_identity(request: Request) -> ServerIdentity:
    """This server's identity and restore generation, loaded at startup."""
    return request.app.state.identity


def get_roster_salt(request: Request) -> bytes:
    """The NIK roster salt loaded at startup."""
    return request.app.state.roster_salt


SessionDep = Annotated[Session, Depends(get_session)]
ReadSessionDep = Annotated[Session, Depends(get_read_session)]
RosterSaltDep = Annotated[bytes, Depends(get_roster_salt)]
IdentityDep = Annotated[ServerIdentity, Depends(get_identity)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SignerDep = Annotated[Signer, Depends(get_signer)]


def get_current_device(
    session: SessionDep, authorization: Annotated[str | None, Header()] = None
) -> Device:
    """The paired, unrevoked device named by `Authorization: Bearer <token>`; else 401."""
    scheme, _, token = (authorization or "").partition(" ")
    device = None
    if scheme.lower() == "bearer" and token.strip():
        device = device_for_token(session=session, token=token.strip())
    if device is None:
        raise ApiError(401, "unauthorized", headers={"WWW-Authenticate": "Bearer"})
    # End this lookup's transaction now (keeping the loaded device): otherwise it would
    # stay open while a slow tablet uploads its batch, and on SQLite hold the write lock.
    session.expunge(device)
    session.rollback()
    return device


CurrentDevice = Annotated[Device, Depends(get_current_device)]
