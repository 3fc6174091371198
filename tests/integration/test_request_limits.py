"""Request size limits (issue 10): every route refuses an oversized body with 413
before reading it, by Content-Length or by counting a chunked body as it streams in."""

from __future__ import annotations

import json
import select
import socket
import time
from collections.abc import Iterable

import httpx

from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def _raw_request(server: Server, head: str, chunks: Iterable[bytes] = ()) -> tuple[int, str, int]:
    """Send a request by hand, stopping the body as soon as the server answers.
    Returns (status, reply text, body bytes sent)."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=20)
    sent = 0
    try:
        sock.sendall(head.replace("\n", "\r\n").encode())
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered: stop sending
            try:
                sock.sendall(chunk)
            except OSError:  # it closed the connection on us
                break
            sent += len(chunk)
        reply = b""
        deadline = time.monotonic() + 20
        while b"\r\n\r\n" not in reply and time.monotonic() < deadline:
            try:
                data = sock.recv(65536)
            except ConnectionResetError:
                break
            if not data:
                break
            reply += data
        try:  # the body of the reply, if it is there yet
            sock.settimeout(1)
            reply += sock.recv(65536)
        except OSError:
            pass
    finally:
        sock.close()
    status = int(reply.split(b" ", 2)[1]) if reply.startswith(b"HTTP/1.1") else 0
    return status, reply.decode("utf-8", "replace"), sent


def _head(server: Server, method: str, path: str, headers: dict[str, str]) -> str:
    lines = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{server.port}"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    return "\n".join(lines) + "\n\n"


def _chunked(total: int, size: int = 64 * 1024) -> Iterable[bytes]:
    """A chunked body of `total` bytes of form data, one chunk at a time."""
    piece = b"a" * size
    for _ in range(total // size):
        yield f"{size:x}\r\n".encode() + piece + b"\r\n"
    yield b"0\r\n\r\n"


def test_a_300_mb_sign_in_post_is_refused_before_its_body(server: Server) -> None:
    head = _head(
        server,
        "POST",
        "/desk/login",
        {"Content-Type": "application/x-www-form-urlencoded", "Content-Length": str(300 * 2**20)},
    )
    started = time.monotonic()
    status, reply, _ = _raw_request(server, head, [b"username=a&password=" + b"x" * 1000])
    assert status == 413, reply[:500]
    assert time.monotonic() - started < 5
    assert "terlalu besar" in reply and "too large" in reply and "4 KB" in reply


def test_a_chunked_body_is_cut_off_at_the_limit(server: Server) -> None:
    head = _head(
        server,
        "POST",
        "/desk/login",
        {"Content-Type": "application/x-www-form-urlencoded", "Transfer-Encoding": "chunked"},
    )
    status, reply, sent = _raw_request(server, head, _chunked(64 * 2**20))
    assert status == 413, reply[:500]
    assert sent < 32 * 2**20, f"{sent} bytes went in before the refusal"


def test_anonymous_pairing_takes_a_few_kilobytes(server: Server) -> None:
    body = {"code": "ABCD-EFGH", "device_name": "x" * 90, "officer": "y" * 8000}
    r = httpx.post(server.url + "/api/v1/devices/pair", json=body)
    assert r.status_code == 413, r.text
    assert r.json() == {
        "proto": 1,
        "error": {
            "code": "body_too_large",
            "id": "Data kiriman terlalu besar (maksimal 4 KB).",
            "en": "The request body is too large (at most 4 KB).",
        },
    }
    # Chunked, without a length: counted as it comes, same answer.
    head = _head(
        server,
        "POST",
        "/api/v1/devices/pair",
        {"Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    status, reply, _ = _raw_request(server, head, _chunked(2**20, size=1024))
    assert status == 413 and "body_too_large" in reply
    # A normal pairing still fits.
    code = server.pairing_code()
    r = httpx.post(
        server.url + "/api/v1/devices/pair",
        json={"code": code, "device_name": "Tablet", "officer": "Petugas"},
    )
    assert r.status_code == 200


def test_push_keeps_its_own_limit(server: Server) -> None:
    token = server.pair()
    records = [person(i) for i in range(1, 301)]
    r = server.push(token, records)  # ~150 KB of JSON: far over the desk's limits
    assert r.status_code == 200 and len(r.json()["results"]) == 300
    head = _head(
        server,
        "POST",
        "/api/v1/sync/push",
        {
            "Authorization": f"Bearer {token}",
            "Content-Type": "application/json",
            "Content-Length": str(5 * 2**20),
        },
    )
    status, reply, _ = _raw_request(server, head, [b'{"proto": 1, "records": ['])
    assert status == 413 and "body_too_large" in reply and "4 MB" in reply


def test_desk_forms_and_uploads_have_limits(server: Server) -> None:
    desk = Desk(server)
    r = desk.post("/desk/review/scan", {"padding": "x" * 100_000})
    assert r.status_code == 413 and "terlalu besar" in r.text and "64 KB" in r.text
    big = b"NIK,KPJ\n" + b"5203071708850001,12345678901\n" * 230_000  # 6.4 MB
    r = desk.client.post(
        "/desk/kpj",
        data={"csrf_token": desk.csrf},
        files={"file": ("kpj.csv", big, "text/csv")},
    )
    assert r.status_code == 413 and "5 MB" in r.text
    # Anyone may try to upload to the sign-in form: refused just the same.
    r = httpx.post(
        server.url + "/desk/login", files={"file": ("x.bin", b"\0" * 2**20, "text/plain")}
    )
    assert r.status_code == 413
    # An ordinary upload passes.
    small = b"NIK,KPJ\n5203071708850001,12345678901\n"
    r = desk.client.post(
        "/desk/kpj",
        data={"csrf_token": desk.csrf},
        files={"file": ("kpj.csv", small, "text/csv")},
    )
    assert r.status_code == 200, r.text[:500]


def test_a_body_where_none_belongs(server: Server) -> None:
    r = httpx.request(
        "GET", server.url + "/api/v1/keys", content=json.dumps(["x" * 100_000]).encode()
    )
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large"
