"""Helpers for desk tests: accounts made straight in the database, a signed-in browser."""

from __future__ import annotations

import re

import httpx
import sqlalchemy as sa
from argon2 import PasswordHasher

from sync_server.models import utcnow
from tests.integration.conftest import Server

PASSWORD = "rahasia-koordinator-1"
_CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
_LOGIN_CSRF = re.compile(r'name="login_csrf" value="([^"]+)"')


def make_user(server: Server, username: str = "koord", role: str = "coordinator") -> None:
    """An account, inserted directly (hashing here is faster than a CLI run)."""
    with server.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO users (username, display_name, password_hash, role, created_at)"
                " VALUES (:u, :u, :h, :r, :t)"
            ),
            {"u": username, "h": PasswordHasher().hash(PASSWORD), "r": role, "t": utcnow()},
        )


class Desk:
    """A browser signed in to the desk: cookies kept, CSRF token read from the pages."""

    def __init__(self, server: Server, username: str = "koord", role: str = "coordinator"):
        make_user(server, username, role)
        self.client = httpx.Client(base_url=server.url, follow_redirects=False, timeout=60)
        page = self.client.get("/desk/login")
        token = _LOGIN_CSRF.search(page.text)
        assert token, page.text
        r = self.client.post(
            "/desk/login",
            data={"username": username, "password": PASSWORD, "login_csrf": token.group(1)},
        )
        assert r.status_code == 303 and r.headers["location"] == "/desk/", r.text
        self.csrf = csrf_of(self.client.get("/desk/").text)

    def get(self, path: str, **kw: object) -> httpx.Response:
        """GET a desk page."""
        return self.client.get(path, **kw)  # type: ignore[arg-type]

    def post(self, path: str, data: dict[str, str] | None = None, **kw: object) -> httpx.Response:
        """POST a form with the session's CSRF token."""
        return self.client.post(path, data={"csrf_token": self.csrf, **(data or {})}, **kw)  # type: ignore[arg-type]

    def close(self) -> None:
        """Release the connection."""
        self.client.close()


def csrf_of(html: str) -> str:
    """The CSRF token in a desk page."""
    match = _CSRF.search(html)
    assert match, html[:2000]
    return match.group(1)
