"""Request dependencies both the API (`sync_server/api`) and the desk (`sync_server/web`)
use: the request's unit of work, a read-only session, settings, signer, identity, roster
salt, the client's address and the desk user behind a JSON endpoint.

The two sides never import each other (tests/unit/test_layering.py); what both need
lives here.

**The unit of work.** Every request that writes gets one session (`SessionDep`) whose
transaction is committed when the route returns normally and rolled back when it
raises, as ODK Central wraps every write request in one transaction. Services and
routes only write; they never commit (tests/unit/test_unit_of_work.py). A route that
must answer an error *and* keep what it wrote (a failed sign-in or pairing attempt is
counted and audited, then answered 401/400/429) returns the error response instead of
raising it. A route that must keep a record whatever follows, or end its transaction
before slow work (a charged attempt, committed before a password is checked with no
transaction open), calls `checkpoint`.

**Why `scope="function"`.** FastAPI (0.163, see fastapi/routing.py `request_response`)
runs the code after `yield` of a dependency with the default scope ("request") only
after the response has been sent. Committing there would tell the browser "done"
(a 303 to the next page, a 200) before the commit happened: the browser's next GET
could miss the write, and a commit that fails would already have answered success.
With `Depends(..., scope="function")` the code after `yield` runs as soon as the route
function returns (its return value already turned into a Response, nothing sent yet),
so the commit happens before the first byte goes out and a failing commit becomes the
error answer instead (tests/integration/test_unit_of_work_http.py checks both over
real HTTP). Every route's response is complete when the route returns (no streaming
from the session), so nothing reads the session after it is closed.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from sync_server.api.errors import ApiError
from sync_server.config import Settings
from sync_server.db import begin_read, read_session, unit_of_work
from sync_server.models import User, UserSession
from sync_server.services.accounts import session_user
from sync_server.services.server_identity import ServerIdentity
from sync_server.services.signing import Signer

COOKIE = "desk_session"


def get_session(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed when the route returns, rolled back when it
    raises; both before the response is sent (used with `scope="function"`)."""
    with unit_of_work(request.app.state.engine) as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for pages that only read: on SQLite its transactions begin DEFERRED, so
    rendering a desk page never holds (or waits for) the write lock tablets push under."""
    with read_session(request.app.state.engine) as session:
        yield session


def checkpoint(session: Session) -> None:
    """Commit what this request has written so far; the unit of work goes on and still
    commits (or rolls back) whatever comes after.

    For a record that must stay whatever the rest of the request does (an attempt
    charged against a throttle), and to end the transaction before slow work (a
    password check), so that on SQLite no write lock is held meanwhile.
    """
    session.commit()


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]


def get_settings(request: Request) -> Settings:
    """The settings the app was created with."""
    return request.app.state.settings


def get_signer(request: Request, session: SessionDep) -> Signer:
    """The active card signer (a key rotated in by the CLI takes effect at once)."""
    idle = not session.in_transaction()
    if idle:
        begin_read(session)
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


def client_address(request: Request) -> str:
    """The client's IP address, as the throttles count it. Behind a reverse proxy on the
    same machine, uvicorn (`proxy_headers`, trusting 127.0.0.1 only) has already put
    X-Forwarded-For's address here; from anywhere else that header is ignored, so it
    cannot be forged to dodge a lockout."""
    return (request.client.host if request.client else "")[:45] or "unknown"


RosterSaltDep = Annotated[bytes, Depends(get_roster_salt)]
IdentityDep = Annotated[ServerIdentity, Depends(get_identity)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
SignerDep = Annotated[Signer, Depends(get_signer)]


@dataclass(frozen=True)
class Desk:
    """Who is at the desk: the user, their session row and its CSRF token."""

    user: User
    session: UserSession
    token: str

    @property
    def csrf(self) -> str:
        """The token every POST form of this session must carry."""
        return self.session.csrf_token


def desk_lookup(request: Request, session: Session) -> Desk | None:
    """The desk session named by the request's cookie, or None. Ends the lookup's
    transaction, keeping the rows loaded: on SQLite it began IMMEDIATE, and would
    otherwise hold the tablets' write lock for the whole page."""
    token = request.cookies.get(COOKIE, "")
    found = session_user(session=session, token=token)
    if found is None:
        return None
    desk = Desk(user=found[1], session=found[0], token=token)
    for row in found:
        session.expunge(row)
    session.rollback()
    request.state.desk = desk
    return desk


def get_api_user(request: Request, session: SessionDep) -> User:
    """A desk user for a JSON endpoint: 401 (protocol error) instead of a redirect."""
    desk = desk_lookup(request, session)
    if desk is None:
        raise ApiError(401, "unauthorized")
    return desk.user


ApiUserDep = Annotated[User, Depends(get_api_user)]
