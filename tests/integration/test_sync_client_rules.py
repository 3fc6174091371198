"""The tablet's sync client against replies it must not trust, served over real HTTP.

A small fake server on 127.0.0.1 (http.server in a thread) answers the client's push
with a chosen reply. Whatever is wrong with a reply, the client reports
`SyncError("bad_reply")` (never a crash of another kind) and every record of the
batch stays pending in the tablet's store; a 401 is `unauthorized`, not a bad reply.
"""

from __future__ import annotations

import base64
import gzip
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from field_app import sync_client
from field_app.store import Status, Store
from tests.conftest import person
from tests.live import free_port

Responder = Callable[[list[dict[str, Any]]], tuple[int, str, bytes]]
PROBLEM = {"field": "nik", "code": "identity_conflict", "id": "NIK sudah terdaftar", "en": "x"}


class FakeServer:
    """Answers POST /api/v1/sync/push with `responder(records)`; GETs with 404."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.pushes: list[dict[str, Any]] = []
        self.responder: Responder = lambda records: (500, "text/plain", b"not set")
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                if self.headers.get("Content-Encoding") == "gzip":
                    raw = gzip.decompress(raw)
                body = json.loads(raw)
                fake.pushes.append(
                    {"path": self.path, "auth": self.headers.get("Authorization"), "body": body}
                )
                status, ctype, out = fake.responder(body["records"])
                self._send(status, ctype, out)

            def do_GET(self) -> None:  # noqa: N802
                self._send(404, "text/html", b"<html>not here</html>")

            def _send(self, status: int, ctype: str, out: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(out)))
                self.end_headers()
                self.wfile.write(out)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, make: Callable[[list[dict[str, Any]]], Any], status: int = 200) -> None:
        """Answer every push with JSON `make(records)` and `status`."""
        self.responder = lambda records: (
            status,
            "application/json",
            json.dumps(make(records)).encode(),
        )


def tablet(tmp_path, url: str, n: int = 2) -> tuple[Store, list]:
    store = Store(tmp_path / "tablet.db")
    store.set_settings(server_url=url, device_id="d1", device_token="tok-123")
    records = [person(i) for i in range(1, n + 1)]
    for r in records:
        store.save_enrolment(r)
    return store, records


def assert_all_pending(store: Store, records: list) -> None:
    for r in records:
        got = store.get(r.client_id)
        assert got.status == Status.PENDING, (r.client_id, got.status)
        assert got.member_no is None and got.card_token is None
    assert {r.client_id for r in store.pending(100)} == {r.client_id for r in records}


def reply(results: list[Any], **extra: Any) -> dict[str, Any]:
    return {"proto": 1, "results": results, **extra}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


CARD = {"kid": "k1", "issued": "20261125", "expires": "20311125"}
SIG = _b64(bytes(range(64)))  # well-formed base64url of 64 bytes, signed by nobody


def _card_result(**x: Any) -> dict[str, Any]:
    item: dict[str, Any] = {"o": "created", "m": "LT0000001", "s": 1, "g": SIG}
    if x:
        item["x"] = x
    return item


BAD_REPLIES = [
    pytest.param(
        lambda recs: reply([{"o": "conflict", "p": [PROBLEM]}] * (len(recs) + 1)),
        id="more-results-than-records",
    ),
    pytest.param(
        lambda recs: reply([{"o": "conflict", "p": [PROBLEM]}] * (len(recs) - 1)),
        id="fewer-results-than-records",
    ),
    pytest.param(lambda recs: reply([]), id="no-results"),
    pytest.param(
        lambda recs: reply([{"o": "rejected", "p": ["nik_length"]}] * len(recs)),
        id="problems-not-objects",
    ),
    pytest.param(
        lambda recs: reply([{"o": "rejected", "p": "nik_length"}] * len(recs)),
        id="problems-not-a-list",
    ),
    pytest.param(
        lambda recs: reply([{"o": "created", "m": 1}] * len(recs)), id="member-number-not-text"
    ),
    pytest.param(lambda recs: reply([{"o": "teleported"}] * len(recs)), id="unknown-outcome"),
    pytest.param(lambda recs: reply([{"p": [PROBLEM]}] * len(recs)), id="outcome-missing"),
    pytest.param(lambda recs: reply(["conflict"] * len(recs)), id="result-not-an-object"),
    pytest.param(lambda recs: reply([None] * len(recs)), id="result-null"),
    pytest.param(lambda recs: {"proto": 1}, id="results-missing"),
    pytest.param(
        lambda recs: {"proto": 1, "results": {"0": {"o": "conflict"}}}, id="results-an-object"
    ),
    pytest.param(
        lambda recs: {"results": [{"o": "conflict", "p": [PROBLEM]}] * len(recs)},
        id="proto-missing",
    ),
    pytest.param(lambda recs: [{"o": "conflict", "p": [PROBLEM]}] * len(recs), id="reply-a-list"),
    pytest.param(
        lambda recs: reply([{"o": "created", "m": "LT1", "g": SIG}] * len(recs), **CARD),
        id="card-without-serial",
    ),
    pytest.param(
        lambda recs: reply([{**_card_result(), "g": "!!"}] * len(recs), **CARD),
        id="card-signature-not-base64",
    ),
    pytest.param(
        lambda recs: reply([_card_result(n=5)] * len(recs), **CARD), id="card-name-not-text"
    ),
    pytest.param(
        lambda recs: reply([_card_result(mn=7)] * len(recs), **CARD),
        id="card-member-number-not-text",
    ),
    pytest.param(
        lambda recs: reply([_card_result(v=52030710)] * len(recs), **CARD),
        id="card-village-not-text",
    ),
    pytest.param(
        lambda recs: reply(
            [_card_result()] * len(recs), kid="k1", issued="2026-11-25", expires="20311125"
        ),
        id="card-date-not-yyyymmdd",
    ),
]


@pytest.mark.parametrize("make", BAD_REPLIES)
def test_a_malformed_push_reply_is_a_bad_reply_and_nothing_is_marked(tmp_path, fake, make):
    store, records = tablet(tmp_path, fake.url)
    fake.answer(make)
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.push(store)
    assert err.value.kind == "bad_reply", err.value
    assert len(fake.pushes) == 1  # one attempt; the next try is the back-off's to make
    assert_all_pending(store, records)


def test_a_card_that_does_not_verify_is_a_bad_reply(tmp_path, fake):
    """A well-formed reply whose card no key of the server signed: never marked sent
    (the fake server has no key list, so the client cannot learn a key either)."""
    store, records = tablet(tmp_path, fake.url)
    fake.answer(lambda recs: reply([_card_result()] * len(recs), **CARD))
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.push(store)
    assert err.value.kind == "bad_reply", err.value
    assert_all_pending(store, records)


def test_a_well_formed_reply_through_the_fake_server_is_applied(tmp_path, fake):
    """Control: the fake server and the checks above are sound; a good reply is applied."""
    store, records = tablet(tmp_path, fake.url)
    rejected = {"field": "phone", "code": "phone_invalid", "id": "HP", "en": "Phone"}
    answer_for = {
        records[0].client_id: {"o": "conflict", "p": [PROBLEM]},
        records[1].client_id: {"o": "rejected", "p": [rejected]},
    }
    fake.answer(lambda recs: reply([answer_for[r["cid"]] for r in recs]))
    report = sync_client.push(store)
    assert (report.sent, report.accepted, report.set_aside) == (2, 0, 2)
    assert store.get(records[0].client_id).status == Status.CONFLICT
    assert store.get(records[0].client_id).problems == [PROBLEM]
    assert store.get(records[1].client_id).status == Status.REJECTED
    assert store.get(records[1].client_id).problems == [rejected]
    assert store.pending(100) == []
    push = fake.pushes[0]
    assert push["path"] == "/api/v1/sync/push" and push["auth"] == "Bearer tok-123"
    assert {r["cid"] for r in push["body"]["records"]} == {r.client_id for r in records}


def test_a_bad_reply_to_a_later_batch_keeps_the_earlier_answers(tmp_path, fake):
    store, records = tablet(tmp_path, fake.url, n=3)
    first = store.pending(1)[0].client_id
    # Batches may be in flight two at a time: every batch but the first one is answered
    # with one result too many, whichever order the server sees them in.
    fake.answer(
        lambda recs: reply(
            [{"o": "conflict", "p": [PROBLEM]}] * (1 if recs[0]["cid"] == first else 2)
        )
    )
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.push(store, batch_size=1)
    assert err.value.kind == "bad_reply"
    assert len(fake.pushes) in (2, 3)  # the third may have been in flight already
    assert store.get(first).status == Status.CONFLICT
    assert_all_pending(store, [r for r in records if r.client_id != first])


@pytest.mark.parametrize(
    "ctype,body",
    [
        ("text/html", b"<html><body>401 Unauthorized</body></html>"),
        (
            "application/json",
            json.dumps(
                {"proto": 1, "error": {"code": "unauthorized", "id": "Tidak sah", "en": "No"}}
            ).encode(),
        ),
        ("application/json", b'{"detail": "Not authenticated"}'),
        ("text/plain", b""),
    ],
    ids=["html", "proto-json", "other-json", "empty"],
)
def test_a_push_answered_401_is_unauthorized_not_a_bad_reply(tmp_path, fake, ctype, body):
    store, records = tablet(tmp_path, fake.url)
    fake.responder = lambda recs: (401, ctype, body)
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.sync(store)
    assert err.value.kind == "unauthorized", err.value
    assert len(fake.pushes) == 1
    assert_all_pending(store, records)


@pytest.mark.parametrize(
    "status,ctype,body",
    [
        (500, "application/json", json.dumps({"proto": 1, "error": {"code": "x"}}).encode()),
        (502, "text/html", b"<html>Bad gateway</html>"),
        (403, "application/json", json.dumps({"proto": 1, "error": {"code": "x"}}).encode()),
    ],
    ids=["500-proto-json", "502-html", "403-proto-json"],
)
def test_other_error_statuses_are_bad_replies(tmp_path, fake, status, ctype, body):
    store, records = tablet(tmp_path, fake.url)
    fake.responder = lambda recs: (status, ctype, body)
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.push(store)
    assert err.value.kind == "bad_reply", err.value
    assert_all_pending(store, records)


def test_the_live_server_refuses_an_unknown_token_as_unauthorized(tmp_path, server):
    """The real server (SQLite and PostgreSQL) answers 401; the client says so."""
    store, records = tablet(tmp_path, server.url)
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.sync(store)
    assert err.value.kind == "unauthorized", err.value
    assert_all_pending(store, records)
    assert server.count("submissions") == 0 and server.count("members") == 0
