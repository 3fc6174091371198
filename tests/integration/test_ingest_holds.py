"""Likely duplicates held at ingest (issue 13), over live HTTP on SQLite and PostgreSQL:
held before any member number or card, the same answer on a replay, and the
coordinator's release or merge reaching the tablet at its next pull."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

import httpx
import sqlalchemy as sa

from enrolment.card_token import verify
from enrolment.protocol import PUSH_PATH, REVISION, RecordResult, record_to_wire
from enrolment.records import Enrolment
from field_app import sync_client
from field_app.store import Status, Store
from tests.conftest import person
from tests.integration.conftest import Server
from tests.integration.desk import Desk

PULL = "/api/v1/sync/pull"


def push(server: Server, token: str, records: list[Enrolment]) -> dict[str, RecordResult]:
    """A push as this revision of the app sends it (`rev`: it knows `held`)."""
    body = {"proto": 1, "rev": REVISION, "records": [record_to_wire(r) for r in records]}
    r = httpx.post(
        server.url + PUSH_PATH,
        content=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
        timeout=60,
    )
    return {res.cid: res for res in server.decode(r, records)}


def pull(server: Server, token: str) -> dict:
    r = httpx.get(server.url + PULL, headers={"Authorization": f"Bearer {token}"}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def held_items(server: Server) -> list[sa.Row]:
    with server.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT r.id, r.member_id, r.fields, s.client_id, s.outcome,"
                    " s.member_id AS sub_member FROM review_items r"
                    " JOIN submissions s ON s.id = r.submission_id"
                    " WHERE r.kind = 'held_duplicate' AND r.status = 'open' ORDER BY r.id"
                )
            ).all()
        )


def members_with(server: Server, nik: str) -> int:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT count(*) FROM members WHERE nik = :n"), {"n": nik}
        ).scalar_one()


def test_a_look_alike_is_held_with_its_reason_and_a_replay_is_held_again(
    server: Server,
) -> None:
    tab_a, tab_b = server.pair_many(2)
    right = person(50, name="Lalu Ahmad Fauzi")
    first = push(server, tab_a, [right])[right.client_id]
    assert first.outcome == "created"
    # The same person under a mistyped NIK, written another way, from another tablet.
    typo = person(51, name="L. Ahmad Fauzy")
    typo = replace(typo, full_name="Lalu Achmad Fauzy")
    cards_before = server.count("cards")
    held = push(server, tab_b, [typo])[typo.client_id]
    assert held.outcome == "held"
    assert held.member_no is None and held.card is None
    assert members_with(server, typo.nik) == 0 and server.count("cards") == cards_before
    (reason,) = held.problems
    assert reason["code"] == "held_duplicate" and reason["field"] == "nik"
    masked = right.nik[:4] + "*" * 8 + right.nik[12:]
    assert masked in reason["id"] and masked in reason["en"]
    assert right.nik not in json.dumps(held.problems)  # never the full NIK
    assert right.full_name not in json.dumps(held.problems)  # nor the member's name
    assert "desa yang sama" in reason["id"] and "the same village" in reason["en"]
    (item,) = held_items(server)
    assert item.member_id == int(first.member_no[2:]) and item.sub_member is None
    assert "village_code" in json.loads(item.fields)

    # A replay (lost reply) gets the same answer and changes nothing.
    counts = {t: server.count(t) for t in ("members", "submissions", "review_items", "cards")}
    again = push(server, tab_b, [typo])[typo.client_id]
    assert (again.outcome, again.problems, again.card) == ("held", held.problems, None)
    assert {t: server.count(t) for t in counts} == counts

    # An older app (no `rev` 3) is told `conflict`, which it knows: set aside, reviewed.
    old = server.push_results(tab_b, [typo])[typo.client_id]
    assert old.outcome == "conflict" and old.problems == held.problems

    # The desk shows both people side by side, kind "held".
    desk = Desk(server)
    page = desk.get(f"/desk/review/{item.id}")
    assert page.status_code == 200
    assert "Lalu Ahmad Fauzi" in page.text and "Lalu Achmad Fauzy" in page.text
    assert "Ditahan" in page.text
    assert "Ditahan" in desk.get("/desk/review").text


def test_an_edit_of_a_held_record_is_judged_anew_and_closes_the_old_hold(
    server: Server,
) -> None:
    tab_a, tab_b = server.pair_many(2)
    push(server, tab_a, [person(40, name="Baiq Hartini", female=True)])
    held = person(41, name="Baiq Hartiny", female=True)
    assert push(server, tab_b, [held])[held.client_id].outcome == "held"
    # Still alike after the edit: held again, one open hold (the newest version's).
    edit = replace(held, version=2, phone="081999888777")
    assert push(server, tab_b, [edit])[held.client_id].outcome == "held"
    (item,) = held_items(server)
    with server.engine.connect() as conn:
        version = conn.execute(
            sa.text(
                "SELECT s.version FROM review_items r JOIN submissions s"
                " ON s.id = r.submission_id WHERE r.id = :i"
            ),
            {"i": item.id},
        ).scalar_one()
    assert version == 2
    # The officer finds another name on the KTP: no longer alike, a member of its own.
    fixed = replace(held, version=3, full_name="Baiq Kamariah")
    assert push(server, tab_b, [fixed])[held.client_id].outcome == "created"
    assert held_items(server) == []


def test_release_makes_a_member_the_tablet_learns_at_its_pull(server: Server) -> None:
    tab_a, tab_b = server.pair_many(2)
    a = person(80, name="Amaq Junaidi")
    twin = person(81, name="Amaq Junaedi")  # really another man: a twin brother
    push(server, tab_a, [a])
    assert push(server, tab_b, [twin])[twin.client_id].outcome == "held"
    (item,) = held_items(server)
    before = pull(server, tab_b)
    desk = Desk(server)
    r = desk.post(f"/desk/review/{item.id}/decide", {"action": "keep", "reason": "kembar"})
    assert r.status_code == 303
    assert held_items(server) == [] and members_with(server, twin.nik) == 1
    after = pull(server, tab_b)
    (update,) = [u for u in after["updates"] if u not in before["updates"]]
    assert update["cid"] == twin.client_id and update["outcome"] == "created"
    claims = verify(update.pop("card"), server.public_keys())
    assert claims.member_no == update["member_no"] and claims.name == "Amaq Junaedi"
    # A resend now answers with the member and its card; the scan finds the pair but
    # proposes it no more (the coordinator decided: two people).
    resent = push(server, tab_b, [twin])[twin.client_id]
    assert (resent.outcome, resent.member_no) == ("duplicate", update["member_no"])
    assert resent.card is not None
    assert "scanned=1-0-" in desk.post("/desk/review/scan").headers["location"]


def test_merge_links_the_held_record_to_the_member(server: Server) -> None:
    tab_a, tab_b = server.pair_many(2)
    right = person(60, name="Hj. Siti Aminah binti Saleh", female=True)
    a_no = push(server, tab_a, [right])[right.client_id].member_no
    typo = person(69, name="Siti Aminah", female=True)  # no title, no patronymic
    assert push(server, tab_b, [typo])[typo.client_id].outcome == "held"
    (item,) = held_items(server)
    desk = Desk(server)
    r = desk.post(f"/desk/review/{item.id}/decide", {"action": "merge", "reason": "NIK salah"})
    assert r.status_code == 303
    (update,) = pull(server, tab_b)["updates"]
    assert (update["outcome"], update["member_no"]) == ("merged", a_no)
    assert verify(update["card"], server.public_keys()).member_no == a_no
    assert members_with(server, typo.nik) == 0


def test_reject_and_unlike_people_and_batches(server: Server) -> None:
    tab = server.pair()
    c, d = person(82, name="Lalu Hamdan", day=3), person(83, name="Lalu Hamdan", day=3)
    # Same birth date, sex and village, names not alike: both members.
    e, f = person(84, name="Baiq Sumarni", female=True), person(85, name="Inaq Rukiah", female=True)
    res = push(server, tab, [c, d, e, f])  # d resembles c within the very batch
    assert [res[x.client_id].outcome for x in (c, d, e, f)] == [
        "created",
        "held",
        "created",
        "created",
    ]
    (item,) = held_items(server)
    desk = Desk(server)
    r = desk.post(f"/desk/review/{item.id}/decide", {"action": "reject", "reason": "fiktif"})
    assert r.status_code == 303
    (update,) = pull(server, tab)["updates"]
    assert update["outcome"] == "rejected" and "fiktif" in update["problems"][0]["id"]


def test_concurrent_look_alikes_make_one_member_and_one_hold(server: Server) -> None:
    tokens = server.pair_many(4)
    names = ["Muhammad Rizal", "M. Rizal", "Muhamad Rizal", "Moh. Rizal"]  # one man
    people = [person(90 + i, name=name) for i, name in enumerate(names)]
    barrier = threading.Barrier(len(tokens))
    results: dict[str, RecordResult] = {}

    def send(i: int) -> None:
        barrier.wait()
        results.update(push(server, tokens[i], [people[i]]))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(tokens))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    outcomes = sorted(results[p.client_id].outcome for p in people)
    assert outcomes == ["created", "held", "held", "held"]
    assert server.count("members") == 1 and len(held_items(server)) == 3


def test_the_tablet_sets_a_held_record_aside_and_learns_the_release(
    server: Server, tmp_path: Path
) -> None:
    other = server.pair()
    push(server, other, [person(70, name="Zainal Abidin")])
    store = Store(tmp_path / "tablet.db")
    device_id, token = sync_client.pair(server.url, server.pairing_code(), "tab-1", "Petugas")
    store.set_settings(server_url=server.url, device_id=device_id, device_token=token)
    typo = person(71, name="H. Zainal Abidin")
    store.save_enrolment(typo)
    report = sync_client.sync(store)
    assert (report.sent, report.accepted, report.set_aside) == (1, 0, 1)
    item = store.get(typo.client_id)
    assert item is not None and item.status == Status.HELD and item.member_no is None
    assert item.problems[0]["code"] == "held_duplicate"
    # Not resent: a second sync sends nothing.
    assert sync_client.sync(store).sent == 0
    (held,) = held_items(server)
    desk = Desk(server)
    r = desk.post(f"/desk/review/{held.id}/decide", {"action": "keep", "reason": "dua orang"})
    assert r.status_code == 303
    sync_client.sync(store)
    item = store.get(typo.client_id)
    assert item is not None and item.status == Status.SENT and item.problems == []
    assert item.member_no and item.card_token
    assert verify(item.card_token, server.public_keys()).member_no == item.member_no
