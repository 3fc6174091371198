"""The desk resists guessing and flooding (issue 10), over real HTTP.

Sign-in lockout with back-off per account and per address, failed sign-ins in the
audit log, password checks that never hold SQLite's write lock, account management
(disable, reset, change own password), sessions and CSRF, pairing-code throttling and
the desk's list of outstanding codes.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time
from contextlib import closing
from datetime import timedelta

import httpx
import sqlalchemy as sa

from sync_server.models import utcnow
from tests.conftest import person, person_name
from tests.integration.conftest import ROOT, Server
from tests.integration.desk import PASSWORD, Desk, csrf_of, make_user

_LOGIN_CSRF = 'name="login_csrf" value="'


def _login_client(server: Server, address: str | None = None) -> tuple[httpx.Client, str]:
    """A browser at the sign-in form: (client, its login token). `address` is the client
    address the server sees (the proxy header uvicorn trusts from loopback)."""
    headers = {"X-Forwarded-For": address} if address else {}
    client = httpx.Client(base_url=server.url, headers=headers, timeout=60)
    page = client.get("/desk/login").text
    return client, page.split(_LOGIN_CSRF)[1].split('"')[0]


def _try_login(
    client: httpx.Client, token: str, username: str, password: str
) -> tuple[httpx.Response, str]:
    """One sign-in attempt; returns the reply and the next login token (if a form came)."""
    r = client.post(
        "/desk/login", data={"username": username, "password": password, "login_csrf": token}
    )
    if _LOGIN_CSRF in r.text:
        token = r.text.split(_LOGIN_CSRF)[1].split('"')[0]
    return r, token


def _write_lock_probe(server: Server, stop: threading.Event, busy: list[bool]) -> None:
    """Try SQLite's write lock every 20 ms with a 50 ms wait; note each time it was held."""
    path = sa.make_url(server.database_url).database
    while not stop.is_set():
        conn = sqlite3.connect(path, timeout=0.05, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("ROLLBACK")
            busy.append(False)
        except sqlite3.OperationalError:
            busy.append(True)
        finally:
            conn.close()
        time.sleep(0.02)


def test_failed_logins_do_not_stall_tablet_pushes(server: Server) -> None:
    """Each password check costs ~0.3 s of argon2; none may hold the database's write
    lock, or a flood of wrong passwords stops every tablet's push."""
    token = server.pair()
    make_user(server, "koord")
    stop = threading.Event()
    attempts: list[int] = []
    lock_busy: list[bool] = []

    def flood(worker: int) -> None:
        # A credential-stuffing flood: new address and name each time, so no lockout
        # stops it early and every attempt pays for a real password check.
        n = 0
        while not stop.is_set() and n < 200:
            client, login = _login_client(server, f"198.51.100.{worker * 50 + n % 50}")
            try:
                r, _ = _try_login(client, login, f"tamu{worker}x{n}", "salah-sekali-123")
            finally:
                client.close()
            attempts.append(r.status_code)
            n += 1

    threads = [threading.Thread(target=flood, args=(w,)) for w in range(3)]
    if server.database_url.startswith("sqlite"):
        threads.append(threading.Thread(target=_write_lock_probe, args=(server, stop, lock_busy)))
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)  # the flood is under way
        records = [person(i, name=person_name(i)) for i in range(1, 51)]
        started = time.monotonic()
        r = server.push(token, records)
        took = time.monotonic() - started
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(60)
    assert r.status_code == 200, r.text
    assert all(res["o"] == "created" for res in r.json()["results"])
    assert len(attempts) >= 5 and set(attempts) <= {401}, attempts
    assert took < 3.0, f"push of 50 records took {took:.1f} s during a sign-in flood"
    assert "database is locked" not in server.log.read_text(errors="replace")
    assert server.count("members") == 50
    if lock_busy:
        # Today's code held the lock through every check (busy ~90 % of the probes).
        held = sum(lock_busy) / len(lock_busy)
        assert held < 0.2, f"write lock held in {held:.0%} of {len(lock_busy)} probes"
    with server.engine.connect() as conn:
        failed = conn.execute(
            sa.text("SELECT count(*) FROM audit_log WHERE action = 'login_failed'")
        ).scalar_one()
    assert failed == len(attempts)


def test_a_crowd_of_sign_ins_is_told_to_wait_not_queued(server: Server) -> None:
    """Twenty sign-ins at once: a few are checked, the rest told at once the server is
    busy (429), so none holds one of the worker threads tablets push through."""
    token = server.pair()
    statuses: list[int] = []
    texts: list[str] = []
    start = threading.Barrier(21)

    def attempt(n: int) -> None:
        client, login = _login_client(server, f"198.51.100.{200 + n}")
        try:
            start.wait(30)
            r, _ = _try_login(client, login, f"orang{n}", "salah-sekali-123")
        finally:
            client.close()
        statuses.append(r.status_code)
        texts.append(r.text)

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    start.wait(30)
    time.sleep(0.2)
    started = time.monotonic()
    r = server.push(token, [person(i) for i in range(1, 21)])
    took = time.monotonic() - started
    for t in threads:
        t.join(60)
    assert r.status_code == 200 and took < 3.0, took
    assert len(statuses) == 20 and set(statuses) <= {401, 429}, statuses
    assert 401 in statuses and 429 in statuses
    busy = [text for status, text in zip(statuses, texts, strict=True) if status == 429]
    assert all("sibuk" in text and "busy" in text for text in busy)
    # A busy refusal is not the visitor's failure: only checked attempts are audited.
    assert len(_audit_rows(server, "login_failed")) == statuses.count(401)


def _audit_rows(server: Server, action: str) -> list[dict]:
    """The audit entries of `action`, oldest first, details decoded (SQLite keeps text)."""
    with server.engine.connect() as conn:
        rows = conn.execute(
            sa.text(
                "SELECT username, target, reason, details FROM audit_log WHERE action = :a"
                " ORDER BY id"
            ),
            {"a": action},
        ).all()
    decoded = []
    for row in rows:
        details = json.loads(row.details) if isinstance(row.details, str) else row.details
        decoded.append({**row._asdict(), "details": details or {}})
    return decoded


def _end_wait(server: Server, key: str) -> None:
    """Let a lockout's wait pass, as if the clock had moved on."""
    with server.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE throttles SET blocked_until = :t WHERE key = :k"),
            {"t": utcnow() - timedelta(seconds=1), "k": key},
        )


def test_an_account_is_locked_with_growing_waits(server: Server) -> None:
    make_user(server, "koord")
    client, login = _login_client(server, "203.0.113.5")
    with closing(client):
        for _ in range(5):
            r, login = _try_login(client, login, "koord", "salah-sekali-123")
            assert r.status_code == 401 and "salah" in r.text
        # Now even the right password waits: guessing has to stop, not slow down.
        r, login = _try_login(client, login, "koord", PASSWORD)
        assert r.status_code == 429, r.text
        assert "Coba lagi dalam 30 detik" in r.text and "Try again in 30 seconds" in r.text
        assert r.headers["retry-after"] == "30"
        assert "desk_session" not in r.cookies
    # The lock is the account's, whatever address tries next.
    other, other_login = _login_client(server, "203.0.113.77")
    with closing(other):
        r, other_login = _try_login(other, other_login, "koord", PASSWORD)
        assert r.status_code == 429
        # Once the wait is over, one more failure doubles it.
        _end_wait(server, "login:user:koord")
        r, other_login = _try_login(other, other_login, "koord", "masih-salah-456")
        assert r.status_code == 401
        r, other_login = _try_login(other, other_login, "koord", PASSWORD)
        assert r.status_code == 429 and "60 detik" in r.text and "60 seconds" in r.text
        _end_wait(server, "login:user:koord")
        r, _ = _try_login(other, other_login, "koord", PASSWORD)
        assert r.status_code == 303 and r.headers["location"] == "/desk/"
    assert server.count("throttles WHERE key = 'login:user:koord'") == 0  # forgiven

    failed = _audit_rows(server, "login_failed")
    assert len(failed) == 6
    assert failed[0]["target"] == "user:koord" and failed[0]["username"] == ""
    assert failed[0]["details"] == {"address": "203.0.113.5", "reason": "wrong_password"}
    locked = _audit_rows(server, "login_locked")
    assert [row["target"] for row in locked] == ["user:koord", "user:koord"]
    with server.engine.connect() as conn:
        everything = str(conn.execute(sa.text("SELECT * FROM audit_log")).all())
    assert "salah-sekali" not in everything and PASSWORD not in everything  # never a password


def test_an_address_is_locked_after_many_names(server: Server) -> None:
    make_user(server, "koord")
    client, login = _login_client(server, "192.0.2.10")
    with closing(client):
        for n in range(10):
            r, login = _try_login(client, login, f"nama{n}", "salah-sekali-123")
            assert r.status_code == 401
        r, login = _try_login(client, login, "koord", PASSWORD)
        assert r.status_code == 429 and "Terlalu banyak" in r.text
    unknown = _audit_rows(server, "login_failed")
    assert len(unknown) == 10 and unknown[0]["details"]["reason"] == "unknown_user"
    assert [row["target"] for row in _audit_rows(server, "login_locked")] == ["addr:192.0.2.10"]
    # Someone at another address is not punished for it.
    elsewhere, login = _login_client(server, "192.0.2.11")
    with closing(elsewhere):
        r, _ = _try_login(elsewhere, login, "koord", PASSWORD)
        assert r.status_code == 303


def test_sign_in_input_of_any_shape_is_never_a_500(server: Server) -> None:
    client, login = _login_client(server, "192.0.2.20")
    with closing(client):
        for name, password in (("", ""), ("x" * 64, "y" * 256), ("ñ\u200b'\";--", "\x00")):
            r, login = _try_login(client, login, name, password)
            assert r.status_code in (401, 429), r.text
        r = client.post("/desk/login", data={"username": "a" * 65, "login_csrf": login})
        assert r.status_code == 422


def test_a_disabled_account_loses_its_session_at_once(server: Server) -> None:
    admin = Desk(server, "admin", role="administrator")
    coord = Desk(server, "koord")
    assert coord.get("/desk/").status_code == 200
    coord_id = _user_id(server, "koord")
    assert coord.post(f"/desk/users/{coord_id}/disable").status_code == 403  # not an admin
    r = admin.post(f"/desk/users/{coord_id}/disable")
    assert r.status_code == 303
    r = coord.get("/desk/")
    assert r.status_code == 303 and r.headers["location"] == "/desk/login"
    assert coord.post("/desk/devices/pair", {"label": "x"}).status_code == 303
    assert server.count(f"user_sessions WHERE user_id = {coord_id}") == 0
    page = admin.get("/desk/users").text
    assert "nonaktif / disabled" in page
    client, login = _login_client(server, "192.0.2.30")
    with closing(client):
        r, login = _try_login(client, login, "koord", PASSWORD)
        assert r.status_code == 401  # the right password no longer opens it
        assert admin.post(f"/desk/users/{coord_id}/enable").status_code == 303
        r, _ = _try_login(client, login, "koord", PASSWORD)
        assert r.status_code == 303
    # An administrator cannot lock themselves out; unknown accounts are 404.
    admin_id = _user_id(server, "admin")
    r = admin.post(f"/desk/users/{admin_id}/disable")
    assert r.status_code == 400 and "sendiri" in r.text
    assert admin.post("/desk/users/9999/disable").status_code == 404
    actions = [row["target"] for row in _audit_rows(server, "user_disable")]
    assert actions == ["user:koord"]
    assert len(_audit_rows(server, "user_enable")) == 1


def test_an_administrator_sets_a_new_password(server: Server) -> None:
    admin = Desk(server, "admin", role="administrator")
    coord = Desk(server, "koord")
    coord_id = _user_id(server, "koord")
    assert coord.post(f"/desk/users/{coord_id}/password", {"password": "x" * 12}).status_code == 403
    r = admin.post(f"/desk/users/{coord_id}/password", {"password": "pendek"})
    assert r.status_code == 400 and "minimal 10" in r.text
    r = admin.post(f"/desk/users/{coord_id}/password", {"password": "sandi-baru-dari-admin"})
    assert r.status_code == 303
    assert coord.get("/desk/").status_code == 303  # its session ended
    client, login = _login_client(server, "192.0.2.40")
    with closing(client):
        r, login = _try_login(client, login, "koord", PASSWORD)
        assert r.status_code == 401
        r, _ = _try_login(client, login, "koord", "sandi-baru-dari-admin")
        assert r.status_code == 303
    assert [row["target"] for row in _audit_rows(server, "user_password_reset")] == ["user:koord"]


def test_the_first_administrator_changes_the_generated_password(server: Server) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "sync_server", "create-admin", "admin", "--password-stdin"],
        input="dibuat-oleh-run-sh-123\n",
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stderr
    first = _signed_in(server, "admin", "dibuat-oleh-run-sh-123", "192.0.2.50")
    second = _signed_in(server, "admin", "dibuat-oleh-run-sh-123", "192.0.2.51")
    assert "/desk/account" in first.get("/desk/").text  # linked from every page
    csrf = csrf_of(first.get("/desk/account").text)

    def change(current: str, new: str, again: str | None = None) -> httpx.Response:
        data = {
            "csrf_token": csrf,
            "current_password": current,
            "new_password": new,
            "new_password_again": new if again is None else again,
        }
        return first.post("/desk/account/password", data=data)

    assert change("tebakan-yang-salah", "sandi-pilihan-sendiri").status_code == 400
    assert change("dibuat-oleh-run-sh-123", "sandi-pilihan-sendiri", "lain").status_code == 400
    assert change("dibuat-oleh-run-sh-123", "pendek").status_code == 400
    r = change("dibuat-oleh-run-sh-123", "sandi-pilihan-sendiri")
    assert r.status_code == 200 and "sudah diganti" in r.text
    assert first.get("/desk/").status_code == 200  # this browser stays signed in
    assert second.get("/desk/").status_code == 303  # the other session ended
    client, login = _login_client(server, "192.0.2.52")
    with closing(client):
        r, login = _try_login(client, login, "admin", "dibuat-oleh-run-sh-123")
        assert r.status_code == 401
        r, _ = _try_login(client, login, "admin", "sandi-pilihan-sendiri")
        assert r.status_code == 303
    assert len(_audit_rows(server, "password_change_failed")) == 1
    assert len(_audit_rows(server, "password_change")) == 1


def test_an_expired_session_goes_back_to_sign_in(server: Server) -> None:
    desk = Desk(server)
    with server.engine.begin() as conn:
        conn.execute(
            sa.text("UPDATE user_sessions SET expires_at = :t"),
            {"t": utcnow() - timedelta(minutes=1)},
        )
    for path in ("/desk/", "/desk/review", "/desk/account"):
        r = desk.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/desk/login", path
    assert desk.post("/desk/devices/pair", {"label": "x"}).status_code == 303
    assert server.count("pairing_codes") == 0


def test_a_csrf_token_must_match_whole(server: Server) -> None:
    desk = Desk(server)
    for forged in (desk.csrf[:-1], desk.csrf[:8], desk.csrf + "x", " " + desk.csrf, ""):
        r = desk.client.post("/desk/devices/pair", data={"csrf_token": forged, "label": "x"})
        assert r.status_code == 403, forged
    assert desk.post("/desk/devices/pair", {"label": "x"}).status_code == 200
    assert server.count("pairing_codes") == 1
    # The sign-in form's double-submit token too.
    client, login = _login_client(server, "192.0.2.60")
    with closing(client):
        data = {"username": "koord", "password": PASSWORD, "login_csrf": login[:-1]}
        assert client.post("/desk/login", data=data).status_code == 403


def _user_id(server: Server, username: str) -> int:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT id FROM users WHERE username = :u"), {"u": username}
        ).scalar_one()


def _signed_in(server: Server, username: str, password: str, address: str) -> httpx.Client:
    client, login = _login_client(server, address)
    r, _ = _try_login(client, login, username, password)
    assert r.status_code == 303, r.text
    return client


def _pair(server: Server, code: str, address: str, name: str = "Tablet Uji") -> httpx.Response:
    return httpx.post(
        server.url + "/api/v1/devices/pair",
        json={"code": code, "device_name": name, "officer": "Petugas"},
        headers={"X-Forwarded-For": address},
    )


def test_pairing_attempts_are_throttled_per_address(server: Server) -> None:
    code = server.pairing_code("Tablet Sakra")
    for n in range(10):
        r = _pair(server, f"ABCD-{n:04d}", "198.51.100.7")
        assert r.status_code == 400 and r.json()["error"]["code"] == "pairing_code_invalid"
    # The eleventh try waits, even with the right code, and nothing is looked at.
    r = _pair(server, code, "198.51.100.7")
    assert r.status_code == 429, r.text
    error = r.json()["error"]
    assert r.json()["proto"] == 1 and error["code"] == "too_many_attempts"
    assert "60 detik" in error["id"] and "60 seconds" in error["en"]
    assert r.headers["retry-after"] == "60"
    assert server.count("devices") == 0
    # Another address pairs with the same, still unused code.
    assert _pair(server, code, "198.51.100.8").status_code == 200
    failed = _audit_rows(server, "pairing_failed")
    assert len(failed) == 10
    assert failed[0]["target"] == "addr:198.51.100.7"
    assert failed[0]["details"]["address"] == "198.51.100.7"
    assert failed[0]["details"]["device_name"] == "Tablet Uji"
    assert "ABCD" not in str(failed)  # the code tried is not kept
    assert [row["target"] for row in _audit_rows(server, "pairing_locked")] == ["addr:198.51.100.7"]


def test_pairing_pauses_for_everyone_after_many_failures(server: Server) -> None:
    code = server.pairing_code()
    # A hundred wrong codes from twelve addresses (each stays under its own limit)...
    for n in range(100):
        r = _pair(server, f"WXYZ-{n:04d}", f"198.51.100.{100 + n % 12}")
        assert r.status_code == 400, (n, r.text)
    # ...and a new address is told to wait too.
    r = _pair(server, code, "203.0.113.200")
    assert r.status_code == 429 and r.json()["error"]["code"] == "too_many_attempts"
    assert [row["target"] for row in _audit_rows(server, "pairing_locked")] == ["all"]
    _end_wait(server, "pair:all")
    assert _pair(server, code, "203.0.113.200").status_code == 200


def test_outstanding_pairing_codes_are_listed_and_cancellable(server: Server) -> None:
    desk = Desk(server)
    for label in ("Tablet Sakra", "Tablet Masbagik"):
        assert desk.post("/desk/devices/pair", {"label": label}).status_code == 200
    used = server.pairing_code("Tablet Terpakai")
    assert _pair(server, used, "192.0.2.70").status_code == 200
    page = desk.get("/desk/pairing-codes")
    assert page.status_code == 200
    assert "Tablet Sakra" in page.text and "Tablet Masbagik" in page.text
    assert "Tablet Terpakai" not in page.text  # used codes are not outstanding
    with server.engine.connect() as conn:
        sakra = conn.execute(
            sa.text("SELECT id FROM pairing_codes WHERE name = 'Tablet Sakra'")
        ).scalar_one()
    r = desk.post(f"/desk/pairing-codes/{sakra}/cancel")
    assert r.status_code == 303 and r.headers["location"] == "/desk/pairing-codes"
    page = desk.get("/desk/pairing-codes").text
    assert "Tablet Sakra" not in page and "Tablet Masbagik" in page
    assert desk.post(f"/desk/pairing-codes/{sakra}/cancel").status_code == 404  # once only
    assert desk.post("/desk/pairing-codes/9999/cancel").status_code == 404
    assert desk.client.post(f"/desk/pairing-codes/{sakra}/cancel").status_code == 403  # CSRF
    cancelled = _audit_rows(server, "pairing_code_cancel")
    assert [row["target"] for row in cancelled] == [f"pairing_code:{sakra}"]
    assert httpx.get(server.url + "/desk/pairing-codes").status_code == 303  # signed in only


def test_a_cancelled_code_no_longer_pairs(server: Server) -> None:
    desk = Desk(server)
    r = desk.post("/desk/devices/pair", {"label": "Dibatalkan"})
    code = r.text.split('id="pairing-code">')[1].split("<")[0]
    with server.engine.connect() as conn:
        code_id = conn.execute(sa.text("SELECT id FROM pairing_codes")).scalar_one()
    assert desk.post(f"/desk/pairing-codes/{code_id}/cancel").status_code == 303
    r = _pair(server, code, "192.0.2.80")
    assert r.status_code == 400 and r.json()["error"]["code"] == "pairing_code_invalid"
    assert server.count("devices") == 0


def test_the_tablet_page_links_to_the_outstanding_codes(server: Server) -> None:
    desk = Desk(server)
    assert 'href="/desk/pairing-codes"' in desk.get("/desk/devices").text


def test_stale_throttle_keys_are_swept(server: Server) -> None:
    from sqlmodel import Session

    from sync_server.services import throttle

    now = utcnow()
    old = now - timedelta(days=3)
    rows = [
        {"k": "login:user:lama", "f": 3, "t": old, "b": None},
        {"k": "login:addr:192.0.2.1", "f": 12, "t": old, "b": now + timedelta(hours=1)},
        {"k": "login:user:baru", "f": 1, "t": now, "b": None},
    ]
    with server.engine.begin() as conn:
        conn.execute(
            sa.text(
                "INSERT INTO throttles (key, failures, last_failure_at, blocked_until)"
                " VALUES (:k, :f, :t, :b)"
            ),
            rows,
        )
    with Session(server.engine) as session:
        assert throttle.sweep(session) == 1
        session.commit()
    with server.engine.connect() as conn:
        left = conn.execute(sa.text("SELECT key FROM throttles ORDER BY key")).scalars().all()
    assert left == ["login:addr:192.0.2.1", "login:user:baru"]  # a running wait is kept
