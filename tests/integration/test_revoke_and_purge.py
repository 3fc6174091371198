"""A revoked tablet wipes what the server already holds at its next contact, keeps what
it never delivered; sent records older than the server's period are purged (issue 12).
Real server, real SQLite files."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from field_app import sync_client
from field_app.store import Status, Store
from tests.conftest import person
from tests.live import ServerProcess


def _paired(tmp_path, server: ServerProcess, name: str = "tab") -> Store:
    store = Store(tmp_path / "tablet.db")
    device_id, token = sync_client.pair(server.url, server.pairing_code(), name, "Petugas")
    store.set_settings(server_url=server.url, device_id=device_id, device_token=token)
    return store


def _revoke_all_devices(server: ServerProcess) -> None:
    engine = sa.create_engine(server.database_url)
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE devices SET revoked_at = CURRENT_TIMESTAMP"))
    engine.dispose()


@pytest.fixture
def server(tmp_path):
    srv = ServerProcess(tmp_path / "server")
    srv.env["TABLET_KEEP_DAYS"] = "30"
    srv.start()
    yield srv
    srv.stop()


def test_a_revoked_tablet_wipes_what_the_server_holds_and_keeps_the_rest(tmp_path, server):
    store = _paired(tmp_path, server)
    sent = [person(i) for i in (1, 2, 3)]
    for rec in sent:
        store.save_enrolment(rec)
    assert sync_client.sync(store).accepted == 3
    waiting = person(4)
    _revoke_all_devices(server)
    store.save_enrolment(waiting)  # enrolled after the revocation, never delivered

    with pytest.raises(sync_client.SyncError) as err:
        sync_client.sync(store)
    assert err.value.kind == "revoked"
    assert all(store.get(r.client_id) is None for r in sent)  # gone from the tablet
    kept = store.get(waiting.client_id)
    assert kept is not None and kept.status == Status.PENDING
    assert not store.has_setting("device_token")  # it must pair again
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.sync(store)
    assert err.value.kind == "not_paired"

    # Paired again: the record kept is handed over.
    device_id, token = sync_client.pair(server.url, server.pairing_code(), "tab 2", "Petugas")
    store.set_settings(device_id=device_id, device_token=token)
    sync_client.sync(store)
    assert store.get(waiting.client_id).status == Status.SENT


def test_an_unknown_token_is_not_a_revocation(tmp_path, server):
    store = _paired(tmp_path, server)
    rec = person(9)
    store.save_enrolment(rec)
    store.set_settings(device_token="not-a-token-of-this-server")
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.sync(store)
    assert err.value.kind == "unauthorized"
    assert store.get(rec.client_id) is not None  # nothing wiped for a mere 401


def test_sent_records_older_than_the_servers_period_are_purged(tmp_path, server):
    store = _paired(tmp_path, server)
    long_ago = (datetime.now(UTC) - timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%SZ")
    old = replace(person(11), created_at=long_ago)
    recent, unsent = person(12), person(13, name="X")  # 13: rejected (name too short)
    unsent = replace(unsent, full_name="X")
    for rec in (old, recent, unsent):
        store.save_enrolment(rec)
    sync_client.sync(store)
    assert store.get(old.client_id) is None  # accepted 40 days after enrolment: purged
    assert store.get(recent.client_id).status == Status.SENT
    assert store.get(unsent.client_id).status == Status.REJECTED  # the officer's to correct
