"""The tablet's sync client against the live server (real uvicorn, real SQLite files)."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from field_app import sync_client
from field_app.store import Status, Store
from tests.conftest import person
from tests.live import ServerProcess, free_port


@pytest.fixture
def restartable_server(tmp_path):
    srv = ServerProcess(tmp_path / "server").start()
    yield srv
    srv.stop()


def paired_store(tmp_path, server: ServerProcess) -> Store:
    store = Store(tmp_path / "tablet.db")
    device_id, token = sync_client.pair(server.url, server.pairing_code(), "tab-1", "Petugas")
    store.set_settings(server_url=server.url, device_id=device_id, device_token=token)
    return store


def test_pair_then_sync_everything_pending(tmp_path, restartable_server):
    store = paired_store(tmp_path, restartable_server)
    for i in range(1, 251):  # more than one batch
        store.save_enrolment(person(i))
    progress: list[int] = []
    report = sync_client.sync(store, on_progress=lambda n, b: progress.append(n), batch_size=100)
    assert (report.sent, report.accepted, report.set_aside) == (250, 250, 0)
    # The first batch is a quarter (sync_client.FIRST_BATCH_SHARE), so that the next one
    # is going up while its reply comes down; then full batches.
    assert progress == [25, 125, 225, 250]
    assert store.count_by_status() == {Status.SENT: 250}
    assert all(i.member_no and i.card_token for i in store.list_enrolments(limit=500))
    assert sync_client.sync(store).sent == 0


def test_invalid_record_is_set_aside_and_does_not_block_the_rest(tmp_path, restartable_server):
    store = paired_store(tmp_path, restartable_server)
    good = person(1)
    bad = person(2, village="52.99.99.9999")  # the server checks what the tablet checked
    store.save_enrolment(bad)
    store.save_enrolment(good)
    report = sync_client.sync(store)
    assert (report.accepted, report.set_aside) == (1, 1)
    assert store.get(good.client_id).status == Status.SENT
    rejected = store.get(bad.client_id)
    assert rejected.status == Status.REJECTED
    assert rejected.problems[0]["field"] == "village_code" and rejected.problems[0]["id"]
    assert sync_client.sync(store).sent == 0  # not retried blindly


def test_server_down_loses_nothing_and_says_so(tmp_path, restartable_server):
    store = paired_store(tmp_path, restartable_server)
    rec = person(1)
    store.save_enrolment(rec)
    restartable_server.stop()
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.sync(store)
    assert err.value.kind == "unreachable"
    assert store.get(rec.client_id).status == Status.PENDING
    restartable_server.start()
    assert sync_client.sync(store).accepted == 1
    assert store.get(rec.client_id).status == Status.SENT


def test_wrong_pairing_code_is_refused(restartable_server):
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.pair(restartable_server.url, "NOPE-NOPE", "tab", "Petugas")
    assert err.value.kind == "pairing_invalid"


class _Portal(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's naming
        body = b"<html><body>Login hotspot desa</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_captive_portal_200_is_not_success(tmp_path):
    port = free_port()
    portal = HTTPServer(("127.0.0.1", port), _Portal)
    threading.Thread(target=portal.serve_forever, daemon=True).start()
    try:
        store = Store(tmp_path / "tablet.db")
        store.set_settings(server_url=f"http://127.0.0.1:{port}", device_token="t", device_id="d")
        rec = person(1)
        store.save_enrolment(rec)
        with pytest.raises(sync_client.SyncError) as err:
            sync_client.sync(store)
        assert err.value.kind == "bad_reply"
        assert store.get(rec.client_id).status == Status.PENDING
    finally:
        portal.shutdown()
