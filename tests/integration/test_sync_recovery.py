"""A wiped server and a server restored from an older backup, while tablets keep
enrolling: after reconciliation every record the tablets hold is on the server
exactly once, no member number or card serial names two people, and no card
verifies for someone else (issue 9, cases 2 and 3), on SQLite and PostgreSQL.
"""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from enrolment.card_token import split_token, verify
from enrolment.records import Enrolment
from field_app import sync_client
from field_app.store import Status, Store
from sync_server.services.server_identity import BLOCK
from tests.conftest import person, person_name
from tests.integration.conftest import PG_URL, Server
from tests.live import ROOT, free_port

NewDatabase = Callable[[], str]


@pytest.fixture
def new_database(database_url: str, tmp_path: Path) -> Iterator[NewDatabase]:
    """Makes empty databases of the module's kind (SQLite file, or PostgreSQL schema)."""
    schemas: list[str] = []

    def make() -> str:
        if database_url.startswith("sqlite"):
            return f"sqlite:///{tmp_path / secrets.token_hex(4)}.db"
        schema = "t_" + secrets.token_hex(6)
        admin = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        admin.dispose()
        schemas.append(schema)
        url = sa.make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    yield make
    if schemas:
        admin = sa.create_engine(PG_URL, poolclass=sa.pool.NullPool)
        with admin.begin() as conn:
            for schema in schemas:
                conn.execute(sa.text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def start(tmp_path: Path, name: str, url: str, port: int) -> Server:
    return Server(tmp_path / name, url, port=port).start()


def paired(store: Store, srv: Server, name: str) -> Store:
    """Pair (again) as the app does: new device id and token in the settings."""
    device_id, token = sync_client.pair(srv.url, srv.pairing_code(), name, "Petugas")
    store.set_settings(server_url=srv.url, device_id=device_id, device_token=token)
    return store


def enrol(store: Store, serials: range) -> list[Enrolment]:
    records = [person(s, name=person_name(s)) for s in serials]
    for r in records:
        store.save_enrolment(r)
    return records


def cli(srv: Server, *args: str) -> None:
    subprocess.run([sys.executable, "-m", "sync_server", *args], cwd=ROOT, env=srv.env, check=True)


def assert_reconciled(srv: Server, stores: list[Store], records: list[list[Enrolment]]) -> None:
    """Every record held is on the server once, numbered as the server numbers it."""
    with srv.engine.connect() as conn:
        members = dict(conn.execute(sa.text("SELECT nik, id FROM members")).all())
        distinct = "SELECT DISTINCT device_id, client_id FROM submissions"
        keys = conn.execute(sa.text(f"SELECT count(*) FROM ({distinct}) k")).scalar_one()
    held = [r for rs in records for r in rs]
    assert len(members) == len({r.nik for r in held})
    assert keys == len(held)
    owner_of: dict[str, str] = {}
    for store, rs in zip(stores, records, strict=True):
        for r in rs:
            item = store.get(r.client_id)
            assert item.status == Status.SENT, (r.nik, item.status)
            assert item.member_no == f"LT{members[r.nik]:07d}"
            assert owner_of.setdefault(item.member_no, r.nik) == r.nik  # one person a number
            claims = verify(item.card_token or "", srv.public_keys())
            assert (claims.name, claims.member_no) == (r.full_name, item.member_no)


def verdict(srv: Server, token: str) -> dict:
    r = httpx.get(f"{srv.url}/api/v1/verify/{token}", timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_wiped_server_gets_every_record_back(
    tmp_path: Path, database_url: str, new_database: NewDatabase
) -> None:
    port = free_port()
    first = start(tmp_path, "first", new_database(), port)
    try:
        store = paired(Store(tmp_path / "tablet.db"), first, "tablet")
        records = enrol(store, range(1, 31))
        sync_client.sync(store)
    finally:
        first.stop()
        first.close()
    wiped = start(tmp_path, "wiped", new_database(), port)  # same address, empty database
    try:
        with pytest.raises(sync_client.SyncError) as err:
            sync_client.sync(store)
        assert err.value.kind == "unauthorized"  # the officer is told to pair again
        paired(store, wiped, "tablet")
        report = sync_client.sync(store)
        assert report.accepted == 30
        assert_reconciled(wiped, [store], [records])
        assert sync_client.sync(store).sent == 0  # reconciled once, not on every sync
    finally:
        wiped.stop()
        wiped.close()


def test_a_server_restored_from_an_older_backup(
    tmp_path: Path, database_url: str, new_database: NewDatabase
) -> None:
    srv = start(tmp_path, "data", new_database(), free_port())
    try:
        stores = [paired(Store(tmp_path / f"t{k}.db"), srv, f"t{k}") for k in range(3)]
        records: list[list[Enrolment]] = [[] for _ in stores]

        def round_of(n: int, start_at: int) -> None:
            for k, store in enumerate(stores):
                records[k] += enrol(store, range(k * 100 + start_at, k * 100 + start_at + n))
                sync_client.sync(store)

        round_of(10, 1)
        cli(srv, "backup", "-o", str(tmp_path / "nightly.backup"))
        round_of(10, 11)  # enrolled after the backup: lost by the restore
        printed = [
            (r.full_name, s.get(r.client_id).card_token or "")
            for s, rs in zip(stores, records, strict=True)
            for r in rs
        ]
        srv.stop()
        cli(srv, "restore", str(tmp_path / "nightly.backup"))
        srv.start()
        round_of(5, 21)  # the tablets keep enrolling; each notices the restore
        for store in stores:
            sync_client.sync(store)
        assert_reconciled(srv, stores, records)
        # New numbers after the restore come from the next generation's block.
        fresh = [s.get(r.client_id) for s, rs in zip(stores, records, strict=True) for r in rs]
        assert max(int(i.member_no[2:]) for i in fresh) > BLOCK
        serials = [split_token(i.card_token or "").claims.serial for i in fresh]
        assert len(serials) == len(set(serials))
        # No card printed before the restore verifies for anyone but its holder.
        for name, token in printed:
            v = verdict(srv, token)
            if v["status"] == "valid":
                assert v["card"]["name"] == name
    finally:
        srv.stop()
        srv.close()
