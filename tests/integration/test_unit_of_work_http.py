"""The request's unit of work over real HTTP: committed before the response is sent,
rolled back when the route raises, and a commit that fails never answered as success.

A small app on the server's own dependency (`SessionDep`) and error handlers runs
under uvicorn on a loopback port. Each commit is slowed down on purpose: were the
commit done after the response was sent (FastAPI's default "request" scope), the
client would hold its 303 while the row is still missing.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
import uvicorn
from fastapi import FastAPI
from fastapi.responses import RedirectResponse, Response

from sync_server.api.errors import ApiError, install_error_handlers
from sync_server.db import make_engine
from sync_server.dependencies import SessionDep
from tests.live import free_port

SLOW_COMMIT = 0.5  # seconds every commit takes, long past the client's next request


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, sa.Engine]]:
    path = Path(tmp_path_factory.mktemp("uow")) / "uow.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE owners (id INTEGER PRIMARY KEY)")
        # A deferred foreign key is checked at COMMIT: a real commit that fails.
        conn.exec_driver_sql(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT, owner_id INTEGER"
            " REFERENCES owners (id) DEFERRABLE INITIALLY DEFERRED)"
        )

    @sa.event.listens_for(engine, "commit")
    def slow_commit(_conn: sa.Connection) -> None:
        time.sleep(SLOW_COMMIT)

    app = FastAPI()
    app.state.engine = engine
    install_error_handlers(app)

    @app.post("/notes")
    def write(session: SessionDep, text: str = "x") -> Response:
        session.execute(sa.text("INSERT INTO notes (text) VALUES (:t)"), {"t": text})
        return RedirectResponse("/notes", status_code=303)

    @app.post("/notes/orphan")
    def write_what_commit_refuses(session: SessionDep) -> Response:
        session.execute(sa.text("INSERT INTO notes (text, owner_id) VALUES ('orphan', 7)"))
        return RedirectResponse("/notes", status_code=303)

    @app.post("/notes/raise")
    def write_then_raise(session: SessionDep) -> Response:
        session.execute(sa.text("INSERT INTO notes (text) VALUES ('raised')"))
        raise ApiError(400, "bad_request")

    @app.get("/notes")
    def read(session: SessionDep) -> dict:
        rows = session.execute(sa.text("SELECT text FROM notes ORDER BY id")).scalars().all()
        return {"notes": list(rows)}

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}", engine
    finally:
        server.should_exit = True
        thread.join(10)
        engine.dispose()


def _notes(engine: sa.Engine) -> list[str]:
    with engine.connect() as conn:  # the test's own connection, outside the server
        return list(conn.exec_driver_sql("SELECT text FROM notes ORDER BY id").scalars())


@pytest.fixture(autouse=True)
def _empty(live: tuple[str, sa.Engine]) -> None:
    _url, engine = live
    with engine.begin() as conn:
        conn.exec_driver_sql("DELETE FROM notes")


def test_a_post_that_redirects_has_committed_when_the_browser_follows(live) -> None:
    url, engine = live
    started = time.monotonic()
    with httpx.Client(base_url=url, follow_redirects=False) as client:
        r = client.post("/notes", params={"text": "first"})
        assert r.status_code == 303
        # The reply came only after the (slow) commit: the row is there already.
        assert time.monotonic() - started >= SLOW_COMMIT
        assert _notes(engine) == ["first"]
        assert client.get(r.headers["location"]).json() == {"notes": ["first"]}


def test_a_commit_that_fails_is_answered_as_an_error(live) -> None:
    url, engine = live
    r = httpx.post(url + "/notes/orphan")
    assert r.status_code == 500  # not the 303 the route returned
    assert r.json()["error"]["code"] == "internal"
    assert _notes(engine) == []


def test_a_route_that_raises_writes_nothing(live) -> None:
    url, engine = live
    r = httpx.post(url + "/notes/raise")
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "bad_request"
    assert _notes(engine) == []
