"""The desk's doors: sign-in, sessions, CSRF, roles, and who may open what (real HTTP)."""

from __future__ import annotations

import subprocess
import sys

import httpx
import sqlalchemy as sa

from tests.conftest import person
from tests.integration.conftest import ROOT, Server
from tests.integration.desk import PASSWORD, Desk, csrf_of, make_user

PAGES = (
    "/desk/",
    "/desk/review",
    "/desk/devices",
    "/desk/money",
    "/desk/exports",
    "/desk/audit",
    "/desk/users",
    "/desk/rates",
)


def test_login_pages_and_logout(server: Server) -> None:
    desk = Desk(server)
    for path in PAGES:
        r = desk.get(path)
        assert r.status_code == 200, (path, r.text[:500])
        assert "text/html" in r.headers["content-type"]
        assert r.headers["cache-control"] == "no-store"
    cookie = next(c for c in desk.client.cookies.jar if c.name == "desk_session")
    assert cookie.has_nonstandard_attr("HttpOnly")
    # Only the token's hash is stored.
    with server.engine.connect() as conn:
        stored = conn.execute(sa.text("SELECT token_hash FROM user_sessions")).scalar_one()
    assert cookie.value not in stored and len(stored) == 64

    r = desk.post("/desk/logout")
    assert r.status_code == 303 and r.headers["location"] == "/desk/login"
    assert server.count("user_sessions") == 0
    # The old cookie is dead even if a browser kept it.
    old = httpx.get(server.url + "/desk/", cookies={"desk_session": cookie.value or ""})
    assert old.status_code == 303 and old.headers["location"] == "/desk/login"


def test_wrong_password_and_unknown_user_are_refused(server: Server) -> None:
    make_user(server, "koord")
    with httpx.Client(base_url=server.url) as client:
        page = client.get("/desk/login").text
        token = page.split('name="login_csrf" value="')[1].split('"')[0]
        for user, pw in (("koord", "salah-sekali-123"), ("nobody", PASSWORD)):
            r = client.post(
                "/desk/login", data={"username": user, "password": pw, "login_csrf": token}
            )
            assert r.status_code == 401 and "salah" in r.text
            assert "desk_session" not in r.cookies
            # The form comes back with a fresh sign-in token (cookie and field).
            token = r.text.split('name="login_csrf" value="')[1].split('"')[0]
        # A sign-in form posted from elsewhere (no matching login token) is refused.
        r = httpx.post(
            server.url + "/desk/login",
            data={"username": "koord", "password": PASSWORD, "login_csrf": "x"},
        )
        assert r.status_code == 403
    assert server.count("user_sessions") == 0


def test_no_session_or_a_device_token_is_not_a_coordinator(server: Server) -> None:
    token = server.pair()
    bearer = {"Authorization": f"Bearer {token}"}
    for path in PAGES:
        for headers in ({}, bearer):
            r = httpx.get(server.url + path, headers=headers)
            assert r.status_code == 303 and r.headers["location"] == "/desk/login", path
    for path in ("/desk/devices/pair", "/desk/review/scan", "/desk/exports/members"):
        r = httpx.post(server.url + path, headers=bearer, data={"csrf_token": "x"})
        assert r.status_code == 303, path
    assert httpx.get(server.url + "/desk/audit.csv", headers=bearer).status_code == 303
    assert httpx.get(server.url + "/api/v1/review", headers=bearer).status_code == 401
    assert httpx.get(server.url + "/api/v1/review").status_code == 401
    # The public doors stay open.
    assert httpx.get(server.url + "/healthz").status_code == 200
    assert httpx.get(server.url + "/api/v1/keys").status_code == 200
    assert server.count("pairing_codes") == 1  # only the one server.pair() used


def test_csrf_missing_or_wrong_is_refused_and_changes_nothing(server: Server) -> None:
    token = server.pair()
    desk = Desk(server)
    device_id = 1
    for data in ({"reason": "hilang"}, {"reason": "hilang", "csrf_token": "salah"}):
        r = desk.client.post(f"/desk/devices/{device_id}/revoke", data=data)
        assert r.status_code == 403 and "Formulir" in r.text
        r = desk.client.post("/desk/devices/pair", data=data)
        assert r.status_code == 403
    # Another session's token is not this session's.
    other = Desk(server, "koord2")
    r = desk.client.post(
        f"/desk/devices/{device_id}/revoke", data={"reason": "x", "csrf_token": other.csrf}
    )
    assert r.status_code == 403
    assert server.count("pairing_codes") == 1
    assert server.push(token, [person(1, name="Lalu Satu")]).status_code == 200  # not revoked
    assert server.count("audit_log") == 2  # the two logins, nothing else


def test_pair_from_the_desk_and_revoke_a_lost_tablet(server: Server) -> None:
    desk = Desk(server)
    r = desk.post("/desk/devices/pair", {"label": "Tablet Sakra"})
    assert r.status_code == 200
    code = r.text.split('id="pairing-code">')[1].split("<")[0]
    assert len(code) == 9 and "<svg" in r.text and 'aria-label="QR' in r.text
    paired = httpx.post(
        server.url + "/api/v1/devices/pair",
        json={"code": code, "device_name": "Tablet Sakra", "officer": "Baiq Wulan"},
    )
    assert paired.status_code == 200, paired.text
    token = paired.json()["token"]
    assert server.push(token, [person(2, name="Lalu Dua")]).status_code == 200

    page = desk.get("/desk/devices").text
    assert "Baiq Wulan" in page and "Tablet Sakra" in page
    device_id = paired.json()["device_id"]
    r = desk.post(f"/desk/devices/{device_id}/revoke", {"reason": "hilang di pasar"})
    assert r.status_code == 303
    assert server.push(token, [person(3, name="Lalu Tiga")]).status_code == 401
    assert "dicabut" in desk.get("/desk/devices").text
    assert desk.post("/desk/devices/999/revoke", {"reason": "x"}).status_code == 404
    with server.engine.connect() as conn:
        actions = conn.execute(sa.text("SELECT action, reason FROM audit_log")).all()
    assert ("device_revoke", "hilang di pasar") in [tuple(a) for a in actions]


def test_only_an_administrator_creates_accounts(server: Server) -> None:
    coord = Desk(server, "koord")
    data = {"username": "baru", "password": "kata-sandi-baru-1", "role": "coordinator"}
    assert coord.post("/desk/users", data).status_code == 403
    admin = Desk(server, "admin", role="administrator")
    assert admin.post("/desk/users", {**data, "password": "pendek"}).status_code == 400
    assert admin.post("/desk/users", data).status_code == 303
    assert server.count("users") == 3
    # The new account signs in like any other.
    with httpx.Client(base_url=server.url) as client:
        page = client.get("/desk/login").text
        r = client.post(
            "/desk/login",
            data={
                "username": "baru",
                "password": "kata-sandi-baru-1",
                "login_csrf": page.split('name="login_csrf" value="')[1].split('"')[0],
            },
        )
        assert r.status_code == 303
        assert csrf_of(client.get("/desk/").text)


def test_create_admin_cli(server: Server) -> None:
    cmd = [sys.executable, "-m", "sync_server", "create-admin", "Kepala", "--password-stdin"]
    run = subprocess.run(
        cmd, input="sandi-kepala-dinas\n", cwd=ROOT, env=server.env, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stderr
    again = subprocess.run(
        cmd, input="sandi-kepala-dinas\n", cwd=ROOT, env=server.env, capture_output=True, text=True
    )
    assert again.returncode == 1 and "exists" in again.stderr
    with server.engine.connect() as conn:
        row = conn.execute(sa.text("SELECT username, role, password_hash FROM users")).one()
    assert row.username == "kepala" and row.role == "administrator"
    assert row.password_hash.startswith("$argon2id$")


def test_same_username_created_at_once_is_refused_not_a_500(server: Server, monkeypatch) -> None:
    """Two desks adding one name at the same moment: both pass the "is it free?" check,
    the unique index decides, and the loser gets a clear refusal while the rest of its
    transaction (here an audit entry) survives."""
    from sqlmodel import Session

    from sync_server.models import AuditEntry
    from sync_server.services import accounts

    with Session(server.engine) as session:
        accounts.create_user(session=session, username="ana", password=PASSWORD, role="coordinator")
        session.commit()
    with Session(server.engine) as session:
        session.add(AuditEntry(action="before", target="test"))
        session.flush()
        real_exec = session.exec

        class Nobody:
            def first(self) -> None:
                return None

        # The other desk's insert lands between this desk's check and its own insert.
        checks = iter([Nobody()])
        monkeypatch.setattr(
            session, "exec", lambda *a, **k: next(checks, None) or real_exec(*a, **k)
        )
        try:
            accounts.create_user(
                session=session, username="ana", password=PASSWORD, role="coordinator"
            )
        except accounts.AccountError as exc:
            assert exc.code == "username_taken"
        else:
            raise AssertionError("a second 'ana' was accepted")
        monkeypatch.undo()
        session.commit()
    with server.engine.connect() as conn:
        users = conn.execute(sa.text("SELECT count(*) FROM users WHERE username='ana'"))
        assert users.scalar_one() == 1
        kept = conn.execute(sa.text("SELECT count(*) FROM audit_log WHERE action='before'"))
        assert kept.scalar_one() == 1
