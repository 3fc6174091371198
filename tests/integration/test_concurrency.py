"""Many tablets pushing the same people at the same moment still make one member per NIK."""

from __future__ import annotations

import random
import threading
from collections import defaultdict

import httpx

from tests.conftest import nik_for, person, person_name
from tests.integration.conftest import Server

DEVICES = 8
PEOPLE = 24  # each device sends an overlapping subset of these


def test_concurrent_pushes_make_one_member_per_nik(server: Server) -> None:
    tokens = server.pair_many(DEVICES)
    rng = random.Random(5203)
    batches = []
    for _ in range(DEVICES):
        serials = rng.sample(range(1, PEOPLE + 1), k=PEOPLE * 3 // 4)
        # Different people of one birth date, sex and village: names not alike, or ingest
        # would hold them as likely duplicates (test_ingest_holds.py).
        batches.append([person(s, name=person_name(s)) for s in serials])
    # Every NIK must be sent by at least two devices for the test to mean anything.
    senders = defaultdict(int)
    for batch in batches:
        for rec in batch:
            senders[rec.nik] += 1
    assert min(senders.values()) >= 2 and len(senders) == PEOPLE

    barrier = threading.Barrier(DEVICES)
    replies: list[httpx.Response | BaseException | None] = [None] * DEVICES

    def send(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            replies[i] = server.push(tokens[i], batches[i])
        except BaseException as exc:  # reported below, in the main thread
            replies[i] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(DEVICES)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)

    created: dict[str, int] = defaultdict(int)
    member_nos: dict[str, set[str]] = defaultdict(set)
    for i, reply in enumerate(replies):
        assert isinstance(reply, httpx.Response), f"device {i}: {reply!r}"
        assert reply.status_code == 200, reply.text
        results = server.decode(reply, batches[i])  # one per record, cards verified
        for rec, res in zip(batches[i], results, strict=True):
            assert res.outcome in ("created", "merged"), res
            created[rec.nik] += res.outcome == "created"
            member_nos[rec.nik].add(res.member_no)

    assert server.count("members") == PEOPLE
    for serial in range(1, PEOPLE + 1):
        nik = nik_for(serial)
        assert created[nik] == 1, f"{nik} created {created[nik]} times"
        assert len(member_nos[nik]) == 1, member_nos[nik]
    assert server.count("cards") == PEOPLE
    assert server.count("submissions") == sum(len(b) for b in batches)


def test_concurrent_resends_from_one_device_are_idempotent(server: Server) -> None:
    token = server.pair()
    batch = [person(s) for s in range(1, 11)]
    barrier = threading.Barrier(4)
    replies: list[httpx.Response | None] = [None] * 4

    def send(i: int) -> None:
        barrier.wait(timeout=30)
        replies[i] = server.push(token, batch)

    threads = [threading.Thread(target=send, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    outcomes = defaultdict(list)
    for reply in replies:
        assert reply is not None
        for res in server.decode(reply, batch):
            outcomes[res.cid].append(res.outcome)
    for rec in batch:
        assert sorted(outcomes[rec.client_id]) == ["created", "duplicate", "duplicate", "duplicate"]
    assert server.count("members") == 10
    assert server.count("submissions") == 10
