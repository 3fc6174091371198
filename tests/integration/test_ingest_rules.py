"""Ingest's identity rules over real HTTP, on SQLite and on PostgreSQL.

One person, one member (docs/protocol.md): a NIK already taken under another name or
birth date is a `conflict` for a coordinator, never a silent merge; a conflict changes
nothing about the member, not even when the officer resends it as a new version that
still conflicts; and a merge keeps what the member had unless the record brings
something newer (an empty phone is no news). The members table is read directly.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from enrolment.card_token import verify
from enrolment.protocol import Outcome
from enrolment.records import Enrolment
from tests.conftest import person
from tests.integration.conftest import Server

MEMBER_COLUMNS = "nik, full_name, birth_date, sex, village_code, phone, segment"


def members(server: Server) -> list[dict]:
    with server.engine.connect() as conn:
        rows = conn.execute(sa.text(f"SELECT {MEMBER_COLUMNS} FROM members ORDER BY id")).all()
    out = [dict(r._mapping) for r in rows]
    for m in out:  # SQLite hands a raw query's date back as text
        m["birth_date"] = date.fromisoformat(str(m["birth_date"]))
    return out


def cards(server: Server) -> list[tuple]:
    with server.engine.connect() as conn:
        return [
            tuple(r)
            for r in conn.execute(
                sa.text("SELECT id, member_id, revoked_at FROM cards ORDER BY id")
            ).all()
        ]


def reviews(server: Server) -> list[tuple[str, list[str]]]:
    """Open review items: (kind, the fields that differ)."""
    with server.engine.connect() as conn:
        rows = conn.execute(
            sa.text("SELECT kind, fields FROM review_items WHERE status = 'open' ORDER BY id")
        ).all()
    return [(kind, json.loads(fields)) for kind, fields in rows]


def review_kinds(server: Server) -> list[str]:
    return [kind for kind, _ in reviews(server)]


def as_birth(d: str) -> date:
    return date.fromisoformat(d)


def push(server: Server, token: str, records: list[Enrolment]):
    """Push and decode as the tablet does; every card in the reply must verify."""
    return server.decode(server.push(token, records), records)


# -- the same new NIK twice in one batch -------------------------------------------------


@pytest.mark.parametrize("smaller_cid_first", [True, False], ids=["cid-a-first", "cid-z-first"])
@pytest.mark.parametrize("differs", ["name", "birth_date"])
def test_same_new_nik_twice_in_a_batch_is_one_member_and_one_conflict(
    server, smaller_cid_first, differs
):
    """Two tablets' worth of disagreement in one batch: one record makes the member, the
    other is held for review. Whichever is first, the member is the created one's."""
    token = server.pair()
    # year 2010: the same NIK fits a birth in 1910 too (the 2-digit year), so the
    # birth date can disagree while both records are valid on their own
    a = person(1, name="Siti Aminah", year=2010, female=True, client_id="a" * 16)
    if differs == "name":
        b = replace(a, client_id="z" * 16, full_name="Baiq Nurul Hidayah")
    else:
        b = replace(a, client_id="z" * 16, birth_date="1910-08-17")
    assert a.nik == b.nik
    batch = [a, b] if smaller_cid_first else [b, a]

    results = push(server, token, batch)

    assert sorted(r.outcome for r in results) == [Outcome.CONFLICT, Outcome.CREATED]
    created_at = next(i for i, r in enumerate(results) if r.outcome is Outcome.CREATED)
    winner, loser = batch[created_at], batch[1 - created_at]
    won, lost = results[created_at], results[1 - created_at]
    assert (won.cid, lost.cid) == (winner.client_id, loser.client_id)
    assert won.member_no and won.card
    assert verify(won.card, server.public_keys()).name == winner.full_name
    # the conflict carries no member and no card; the review item says which field differs
    assert lost.member_no is None and lost.card is None
    assert [(p["field"], p["code"]) for p in lost.problems] == [("nik", "identity_conflict")]
    assert lost.problems[0]["id"] and lost.problems[0]["en"]

    [member] = members(server)
    assert member["nik"] == winner.nik
    assert member["full_name"] == winner.full_name
    assert member["birth_date"] == as_birth(winner.birth_date)
    assert reviews(server) == [
        ("identity_conflict", ["full_name" if differs == "name" else "birth_date"])
    ]
    assert len(cards(server)) == 1


def test_same_new_nik_twice_in_a_batch_with_the_same_identity_is_one_member(server):
    token = server.pair()
    a = person(1, name="Siti Aminah", female=True)
    b = replace(a, client_id=a.client_id[::-1] + "x", full_name="SITI  aminah")
    results = push(server, token, [a, b])
    assert sorted(r.outcome for r in results) == [Outcome.CREATED, Outcome.MERGED]
    assert results[0].member_no == results[1].member_no
    assert len(members(server)) == 1 and review_kinds(server) == []


# -- a conflict, then a new version that still conflicts -----------------------------------


@pytest.mark.parametrize("same_batch", [False, True], ids=["v2-later", "v1-v2-one-batch"])
def test_a_v2_that_still_conflicts_stays_a_conflict_and_changes_nothing(server, same_batch):
    token = server.pair()
    owner = person(1, name="Siti Aminah", female=True)
    [created] = push(server, token, [owner])
    assert created.outcome is Outcome.CREATED
    before_members, before_cards = members(server), cards(server)

    # Another record (same tablet: the officer met "the same NIK" again) with another name
    v1 = replace(owner, client_id="conflicting-cid-1", full_name="Siti Rahma")
    # The officer corrects it, but the name still differs, and other fields changed too
    v2 = replace(
        v1,
        version=2,
        full_name="Siti Rahmawati",
        phone="087712345678",
        village_code="52.03.07.1002",
        segment="umkm_owner",
    )
    if same_batch:
        results = push(server, token, [v1, v2])
    else:
        results = push(server, token, [v1]) + push(server, token, [v2])

    assert [r.outcome for r in results] == [Outcome.CONFLICT, Outcome.CONFLICT]
    for r in results:
        assert r.member_no is None and r.card is None
        assert [p["code"] for p in r.problems] == ["identity_conflict"]
    assert members(server) == before_members  # name, phone, village, segment: all kept
    assert cards(server) == before_cards  # no card revoked or issued
    assert "identity_conflict" in review_kinds(server)


def test_a_v2_that_corrects_the_name_after_a_conflict_is_merged_into_the_member(server):
    """Control for the test above: the same path with the conflict resolved does merge."""
    token = server.pair()
    owner = person(1, name="Siti Aminah", female=True)
    [created] = push(server, token, [owner])
    v1 = replace(owner, client_id="conflicting-cid-1", full_name="Siti Rahma")
    v2 = replace(v1, version=2, full_name="siti aminah")
    [r1] = push(server, token, [v1])
    [r2] = push(server, token, [v2])
    assert (r1.outcome, r2.outcome) == (Outcome.CONFLICT, Outcome.MERGED)
    assert r2.member_no == created.member_no and r2.card
    [member] = members(server)
    assert member["full_name"] == "Siti Aminah"  # a merge is not an edit of the member


# -- a merge never wipes the stored phone -------------------------------------------------


@pytest.mark.parametrize("empty", ["", "   "], ids=["empty", "spaces"])
@pytest.mark.parametrize("how", ["same-device-later", "same-device-same-batch", "other-device"])
def test_a_merge_with_an_empty_phone_keeps_the_stored_phone(server, how, empty):
    tokens = server.pair_many(2) if how == "other-device" else [server.pair()]
    first = person(1, name="Lalu Ahmad", client_id="a-first-record")
    assert first.phone == "081234567890"
    again = replace(first, client_id="b-second-record", phone=empty)
    if how == "same-device-same-batch":
        # in (version, NIK, cid) order the record with the phone comes first
        results = push(server, tokens[0], [again, first])
        assert sorted(r.outcome for r in results) == [Outcome.CREATED, Outcome.MERGED]
    else:
        [created] = push(server, tokens[0], [first])
        [merged] = push(server, tokens[-1], [again])
        assert (created.outcome, merged.outcome) == (Outcome.CREATED, Outcome.MERGED)
        assert merged.member_no == created.member_no
    [member] = members(server)
    assert member["phone"] == "081234567890"
    assert member["full_name"] == "Lalu Ahmad"
    assert reviews(server) == []  # an empty phone is no change to review either


def test_a_merge_from_the_members_own_device_takes_the_newer_phone(server):
    """Control for the test above: a merge does write a phone that is really new."""
    token = server.pair()
    first = person(1, name="Lalu Ahmad", client_id="a-first-record")
    [created] = push(server, token, [first])
    again = replace(first, client_id="b-second-record", phone="0877-1234-5678")
    [merged] = push(server, token, [again])
    assert merged.outcome is Outcome.MERGED and merged.member_no == created.member_no
    [member] = members(server)
    assert member["phone"] == "087712345678"  # stored cleaned


def test_an_edit_of_the_conflicting_record_never_reaches_the_member(server):
    """A conflicting record's v2 with the owner's exact name would merge; but a v2 that
    keeps a wrong birth date stays a conflict and the member keeps its birth date."""
    token = server.pair()
    owner = person(1, name="Siti Aminah", year=2010, female=True)
    push(server, token, [owner])
    v1 = replace(owner, client_id="conflicting-cid-1", birth_date="1910-08-17")
    v2 = replace(v1, version=2, full_name="Siti Aminah", phone="")
    results = push(server, token, [v1]) + push(server, token, [v2])
    assert [r.outcome for r in results] == [Outcome.CONFLICT, Outcome.CONFLICT]
    assert reviews(server)[-1] == ("identity_conflict", ["birth_date"])
    [member] = members(server)
    assert member["birth_date"] == date(2010, 8, 17) and member["phone"] == "081234567890"
