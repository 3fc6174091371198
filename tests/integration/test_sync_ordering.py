"""Arrival order, replayed replies and loose ends of review, over real HTTP with the
fault proxy, on SQLite and PostgreSQL (issue 9, cases 1, 4 and 5).

The tablet side is the app's own store, outbox and sync client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import sqlalchemy as sa

from enrolment.card_token import verify
from field_app import outbox, sync_client
from field_app.store import Status, Store
from tests.conftest import person
from tests.faults import FaultProxy
from tests.integration.conftest import Server
from tests.integration.desk import Desk


@pytest.fixture
def proxy(server: Server) -> Iterator[FaultProxy]:
    p = FaultProxy(server.port)
    yield p
    p.close()


def tablet(tmp_path: Path, server: Server, url: str, name: str = "tablet") -> Store:
    """A paired tablet store talking to `url` (the proxy or the server itself)."""
    store = Store(tmp_path / f"{name}.db")
    device_id, token = sync_client.pair(server.url, server.pairing_code(), name, "Petugas")
    store.set_settings(server_url=url, device_id=device_id, device_token=token)
    return store


def member_row(server: Server, nik: str) -> sa.Row:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT id, full_name, phone FROM members WHERE nik = :n"), {"n": nik}
        ).one()


def review_items(server: Server) -> list[tuple[str, str]]:
    with server.engine.connect() as conn:
        rows = conn.execute(sa.text("SELECT kind, status FROM review_items ORDER BY id")).all()
    return [(r.kind, r.status) for r in rows]


def outcomes_in(reply: bytes) -> list[str]:
    """The outcomes of a raw HTTP push reply (gzip is only used when asked for)."""
    body = reply.partition(b"\r\n\r\n")[2]
    return [r["o"] for r in json.loads(body)["results"]]


@pytest.mark.parametrize(
    "edit",
    [{"phone": "087799990000"}, {"full_name": "Lalu Muhammad Amin"}],
    ids=["phone", "name"],
)
def test_a_late_lower_version_changes_nothing(
    tmp_path: Path, server: Server, proxy: FaultProxy, edit: dict[str, str]
) -> None:
    store = tablet(tmp_path, server, proxy.url)
    v1 = person(1, name="Lalu Amin")
    store.save_enrolment(v1)
    proxy.inject("hold")  # version 1 stalls in transit; the tablet gives up
    with pytest.raises(sync_client.SyncError):
        sync_client.push(store)
    v2 = outbox.revise(replace(v1, **edit))
    store.save_enrolment(v2)
    sync_client.sync(store)
    assert store.get(v1.client_id).status == Status.SENT
    (late,) = proxy.release()  # now version 1 arrives
    assert outcomes_in(late) == ["superseded"]
    row = member_row(server, v1.nik)
    assert (row.full_name, row.phone) == (v2.full_name, v2.phone)
    assert review_items(server) == []  # not a conflict of the record with its own edit
    item = store.get(v1.client_id)
    assert (item.status, item.record.version) == (Status.SENT, 2)
    assert verify(item.card_token or "", server.public_keys()).name == v2.full_name


def test_a_replayed_reply_is_not_applied(tmp_path: Path, server: Server, proxy: FaultProxy) -> None:
    store = tablet(tmp_path, server, proxy.url)
    first = [person(i) for i in range(1, 21)]
    for r in first:
        store.save_enrolment(r)
    sync_client.push(store)
    later = [person(i) for i in range(21, 41)]
    for r in later:
        store.save_enrolment(r)
    proxy.inject("replay")  # the server commits batch 2; the tablet gets batch 1's reply
    with pytest.raises(sync_client.SyncError) as err:
        sync_client.push(store)
    assert err.value.kind == "bad_reply"
    assert all(store.get(r.client_id).status == Status.PENDING for r in later)
    sync_client.push(store)  # answered `duplicate`, with the right member numbers
    for r in first + later:
        item = store.get(r.client_id)
        assert item.status == Status.SENT
        assert item.member_no == f"LT{member_row(server, r.nik).id:07d}"
        assert verify(item.card_token or "", server.public_keys()).name == r.full_name


def test_a_corrected_conflict_closes_its_review_item(tmp_path: Path, server: Server) -> None:
    first = tablet(tmp_path, server, server.url, "first")
    second = tablet(tmp_path, server, server.url, "second")
    first.save_enrolment(person(3, name="Baiq Nurhayati"))
    sync_client.sync(first)
    typo = person(3, name="Baiq Nurhayatu")
    second.save_enrolment(typo)
    sync_client.sync(second)
    assert review_items(server) == [("identity_conflict", "open")]
    second.save_enrolment(outbox.revise(replace(typo, full_name="Baiq Nurhayati")))
    sync_client.sync(second)
    assert second.get(typo.client_id).status == Status.SENT
    assert review_items(server) == [("identity_conflict", "resolved")]


def test_another_tablets_edit_does_not_rewrite_a_member(tmp_path: Path, server: Server) -> None:
    owner = tablet(tmp_path, server, server.url, "owner")
    other = tablet(tmp_path, server, server.url, "other")
    mine = person(4, name="Muhammad Zaini")
    owner.save_enrolment(mine)
    sync_client.sync(owner)
    owner_card = owner.get(mine.client_id).card_token
    theirs = person(4, name="MUHAMMAD  ZAINI")  # same person, other spelling: merged
    other.save_enrolment(theirs)
    sync_client.sync(other)
    assert other.get(theirs.client_id).status == Status.SENT
    # The other officer corrects only the phone of their record.
    other.save_enrolment(outbox.revise(replace(theirs, phone="087711112222")))
    sync_client.sync(other)
    row = member_row(server, mine.nik)
    assert (row.full_name, row.phone) == ("Muhammad Zaini", mine.phone)
    assert review_items(server) == [("contact_update", "open")]
    sync_client.sync(owner)  # the owner's card was not revoked
    card = verify(owner_card or "", server.public_keys())
    assert not owner.is_revoked(card.serial)


def test_a_coordinators_merge_reaches_the_tablet_with_a_card(
    tmp_path: Path, server: Server
) -> None:
    first = tablet(tmp_path, server, server.url, "first")
    second = tablet(tmp_path, server, server.url, "second")
    first.save_enrolment(person(5, name="Inaq Sahnun"))
    sync_client.sync(first)
    typo = person(5, name="Inaq Sahnum")
    second.save_enrolment(typo)
    sync_client.sync(second)
    assert second.get(typo.client_id).status == Status.CONFLICT
    with server.engine.connect() as conn:
        item_id = conn.execute(sa.text("SELECT id FROM review_items")).scalar_one()
    desk = Desk(server)
    try:
        form = {"action": "merge", "reason": "salah ketik"}
        r = desk.post(f"/desk/review/{item_id}/decide", form)
        assert r.status_code == 303, r.text
    finally:
        desk.close()
    sync_client.sync(second)
    item = second.get(typo.client_id)
    assert item.status == Status.SENT and item.member_no
    claims = verify(item.card_token or "", server.public_keys())
    assert claims.member_no == item.member_no and claims.name == "Inaq Sahnun"


def test_racing_versions_of_one_record_end_at_the_higher(server: Server) -> None:
    """Two workers may take v1 and v2 of a record at once: the device's row lock orders
    them, and whichever comes second, the member ends with version 2."""
    from concurrent.futures import ThreadPoolExecutor

    token = server.pair()
    v1s = [person(i) for i in range(60, 80)]
    v2s = [outbox.revise(replace(r, phone="087755550000")) for r in v1s]
    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(lambda r: server.push(token, [r]), [*v2s, *v1s]))
    assert all(r.status_code == 200 for r in replies)
    with server.engine.connect() as conn:
        phones = set(conn.execute(sa.text("SELECT phone FROM members")).scalars())
    assert phones == {"087755550000"}
