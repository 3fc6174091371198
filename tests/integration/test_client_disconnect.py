"""A tablet that loses its link mid-upload: an ordinary event, not a server crash.

The push is sent by hand over a socket with a Content-Length larger than what is
sent, then the socket is closed, as when a 2G link drops. The server must log one
line (no traceback, no 500), store nothing, and answer the next push normally. The
`server` fixture fails the test if a Traceback reached the log.
"""

from __future__ import annotations

import gzip
import json
import socket
import time

import pytest

from enrolment.protocol import PUSH_PATH, record_to_wire
from tests.conftest import person
from tests.integration.conftest import Server


def log_since(server: Server, offset: int) -> str:
    """What the server logged after byte `offset` of its log."""
    with server.log.open("rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


def wait_for_log(server: Server, offset: int, text: str, timeout: float = 30) -> str:
    """The log since `offset` once it contains `text` (the server saw the event), or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        new = log_since(server, offset)
        if text in new:
            return new
        time.sleep(0.1)
    raise AssertionError(f"{text!r} not logged within {timeout}s:\n{log_since(server, offset)}")


def cut_upload(server: Server, token: str, body: bytes, sent: int, *, gz: bool = False) -> None:
    """POST a push declaring all of `body` but sending only its first `sent` bytes."""
    headers = [
        f"POST {PUSH_PATH} HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        f"Authorization: Bearer {token}",
        "Content-Type: application/json",
        f"Content-Length: {len(body)}",
        *(["Content-Encoding: gzip"] if gz else []),
    ]
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as s:
        s.sendall(("\r\n".join(headers) + "\r\n\r\n").encode() + body[:sent])
        time.sleep(0.3)  # let the server start reading the body before the link drops


def batch(first: int, n: int) -> bytes:
    """A push body of `n` valid records."""
    records = [record_to_wire(person(i)) for i in range(first, first + n)]
    return json.dumps({"proto": 1, "records": records}).encode()


@pytest.mark.parametrize(
    ("gz", "fraction"),
    [(False, 0.5), (False, 0.0), (True, 0.5)],
    ids=["half-body", "headers-only", "half-gzip"],
)
def test_disconnect_mid_upload_is_logged_quietly_and_the_next_push_works(
    server: Server, gz: bool, fraction: float
) -> None:
    token = server.pair()
    body = batch(1, 50)
    if gz:
        body = gzip.compress(body)
    start = server.log.stat().st_size
    cut_upload(server, token, body, int(len(body) * fraction), gz=gz)
    new = wait_for_log(server, start, "client disconnected")
    assert "Traceback" not in new and "unhandled error" not in new, new
    assert " 500" not in new, new
    assert server.count("submissions") == 0  # nothing of the cut batch was stored

    records = [person(i) for i in range(1, 51)]
    results = server.push_results(token, records, gz=gz)
    assert [results[r.client_id].outcome for r in records] == ["created"] * 50
    assert server.count("members") == 50


def test_many_cut_uploads_leave_the_server_serving(server: Server) -> None:
    # A tablet on a failing link retries: several drops in a row, then a good push.
    token = server.pair()
    body = batch(1, 20)
    start = server.log.stat().st_size
    for _ in range(5):
        cut_upload(server, token, body, len(body) // 3)
    deadline = time.monotonic() + 30
    while log_since(server, start).count("client disconnected") < 5:
        assert time.monotonic() < deadline, log_since(server, start)
        time.sleep(0.1)
    records = [person(i) for i in range(1, 21)]
    results = server.push_results(token, records)
    assert {r.outcome for r in results.values()} == {"created"}
