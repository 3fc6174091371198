"""Edits after send (a new `ver` of the same record) and the pull, over real HTTP."""

from __future__ import annotations

import hashlib
from dataclasses import replace

import httpx
import sqlalchemy as sa
from sqlmodel import Session

from enrolment.card_token import b64d, split_token, verify
from enrolment.roster import decode_unit, keyed_hash
from sync_server.services.changes import REVIEW_OUTCOME, record_change, review_outcome_payload
from tests.conftest import nik_for, person
from tests.integration.area_helpers import pair_in
from tests.integration.conftest import Server
from tests.integration.desk import Desk

PULL = "/api/v1/sync/pull"


def pull(server: Server, token: str, cursor: str = "", kec: str = "52.03.07") -> dict:
    r = httpx.get(
        server.url + PULL,
        params={"cursor": cursor, "kec": kec},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["proto"] == 1
    return body


def member_row(server: Server, member_no: str) -> sa.Row:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT * FROM members WHERE id = :id"), {"id": int(member_no[2:])}
        ).one()


def test_edit_changing_the_name_updates_the_member_and_reissues_the_card(server: Server) -> None:
    token = server.pair()
    v1 = person(31, name="Lalu Amir")
    first = server.push_results(token, [v1])[v1.client_id]
    assert first.outcome == "created" and first.card
    old_serial = split_token(first.card).claims.serial

    v2 = replace(v1, version=2, full_name="Lalu Amiruddin", segment="umkm_owner")
    second = server.push_results(token, [v2])[v1.client_id]
    assert second.outcome == "merged" and second.member_no == first.member_no
    assert second.card and second.card != first.card
    claims = verify(second.card, server.public_keys())
    assert claims.name == "Lalu Amiruddin" and claims.segment == "umkm_owner"
    assert claims.serial != old_serial
    assert server.count("members") == 1
    row = member_row(server, first.member_no or "")
    assert (row.full_name, row.segment) == ("Lalu Amiruddin", "umkm_owner")
    assert server.count("cards") == 2  # the old one kept, revoked

    # The old card now shows as revoked, and every tablet learns it at its next pull.
    old = httpx.get(f"{server.url}/api/v1/verify/{first.card}").json()
    assert old["status"] == "revoked"
    assert old_serial in pull(server, server.pair())["revoked"]

    # Idempotent: v2 again is a duplicate with the same card; nothing is reissued.
    again = server.push_results(token, [v2])[v1.client_id]
    assert again.outcome == "duplicate" and again.card == second.card
    # A phone-only edit changes nothing printed: same card.
    v3 = replace(v2, version=3, phone="087700001111")
    third = server.push_results(token, [v3])[v1.client_id]
    assert third.outcome == "merged" and third.card == second.card
    assert member_row(server, first.member_no or "").phone == "087700001111"
    assert server.count("cards") == 2


def test_edit_changing_the_nik_goes_to_review_and_deletes_nothing(server: Server) -> None:
    token = server.pair()
    v1 = person(32, name="Inaq Sumiati")
    first = server.push_results(token, [v1])[v1.client_id]
    assert first.outcome == "created"
    v2 = replace(v1, version=2, nik=nik_for(33))  # a typo in the serial, corrected
    second = server.push_results(token, [v2])[v1.client_id]
    assert second.outcome == "created" and second.member_no != first.member_no
    assert server.count("members") == 2

    # Review is the coordinators' business: a device token no longer opens it.
    as_tablet = httpx.get(
        server.url + "/api/v1/review", headers={"Authorization": f"Bearer {token}"}
    )
    assert as_tablet.status_code == 401
    review = Desk(server).get("/api/v1/review")
    (item,) = review.json()["items"]
    assert item["kind"] == "superseded_nik" and item["member_no"] == first.member_no
    assert item["fields"] == ["nik"] and item["submitted"]["ver"] == 2
    assert nik_for(32) not in review.text and nik_for(33) not in review.text


def test_edit_after_a_conflict_is_merged(server: Server) -> None:
    tab_a, tab_b = server.pair_many(2)
    created = server.push_results(tab_a, [person(34, name="Baiq Nurul")])
    (member_no,) = {r.member_no for r in created.values()}
    typo = person(34, name="Baiq Nurun")
    assert server.push_results(tab_b, [typo])[typo.client_id].outcome == "conflict"
    fixed = replace(typo, version=2, full_name="Baiq Nurul")
    res = server.push_results(tab_b, [fixed])[typo.client_id]
    assert res.outcome == "merged" and res.member_no == member_no
    assert server.count("members") == 1


def test_versions_one_and_two_in_one_batch(server: Server) -> None:
    token = server.pair()
    v1 = person(35, name="Amaq Salim")
    v2 = replace(v1, version=2, full_name="Amaq Salimudin")
    reply = server.decode(server.push(token, [v2, v1]), [v2, v1])  # order does not matter
    assert [r.outcome for r in reply] == ["merged", "created"]
    assert reply[0].card == reply[1].card  # one card, with the final name
    assert verify(reply[0].card or "", server.public_keys()).name == "Amaq Salimudin"
    assert server.count("members") == 1 and server.count("cards") == 1


def may_warn(wire_units: list[str], key: bytes, nik: str) -> bool:
    """The tablet's check of a typed NIK against pulled roster units."""
    units = [u for u in map(decode_unit, wire_units) if u is not None]
    assert len(units) == len(wire_units)
    h = keyed_hash(key, nik)
    return any(u.prefix == nik[:6] and h % u.modulus in u.buckets for u in units)


def test_pull_gives_keys_roster_and_deltas(server: Server) -> None:
    token = pair_in(server, "52.03.07,52.03.08")
    selong = person(41)  # village 52.03.07.1001
    pringgabaya = person(42, village="52.03.08.2001")
    server.push_results(token, [selong, pringgabaya])

    first = pull(server, token)  # asks for 52.03.07: the roster is still the whole area
    assert first["keys"] == httpx.get(server.url + "/api/v1/keys").json()["keys"]
    roster = first["roster"]
    key = b64d(roster["salt"])
    assert roster["full"] is True
    assert may_warn(roster["hashes"], key, selong.nik)
    assert may_warn(roster["hashes"], key, pringgabaya.nik)
    assert {u.split("|")[0] for u in roster["hashes"]} == {"52.03.07", "52.03.08"}
    assert selong.nik not in str(first)

    later = person(43)
    server.push_results(token, [later])
    delta = pull(server, token, first["cursor"])
    assert delta["roster"]["full"] is False
    (unit,) = delta["roster"]["hashes"]
    assert unit.count(",") == 0 and may_warn([unit], key, later.nik)  # the new member only
    assert delta["revoked"] == [] and delta["updates"] == []
    nothing = pull(server, token, delta["cursor"])
    assert nothing["roster"]["hashes"] == [] and nothing["cursor"] == delta["cursor"]

    # Asking for other kecamatan changes nothing (the area decides); a fresh cursor
    # brings the whole roster again.
    other = pull(server, token, delta["cursor"], kec="52.03.08, 52.03.09")
    assert other["roster"] == {**nothing["roster"], "full": False}
    again = pull(server, token)
    assert again["roster"]["full"] is True
    everyone = (selong, pringgabaya, later)
    assert all(may_warn(again["roster"]["hashes"], key, p.nik) for p in everyone)


def test_pull_updates_are_for_the_device_that_sent(server: Server) -> None:
    mine, other = server.pair_many(2)
    device_id = _device_id(server, mine)
    with Session(server.engine) as session:
        payload = review_outcome_payload(
            cid="abc", ver=1, outcome="merged", member_no="LT0000001", problems=[]
        )
        record_change(session, REVIEW_OUTCOME, "abc", device_id=device_id, payload=payload)
        session.commit()
    got = pull(server, mine)
    assert got["updates"] == [payload]
    assert pull(server, other)["updates"] == []
    assert pull(server, mine, got["cursor"])["updates"] == []


def _device_id(server: Server, token: str) -> int:
    with server.engine.connect() as conn:
        return conn.execute(
            sa.text("SELECT id FROM devices WHERE token_hash = :h"),
            {"h": hashlib.sha256(token.encode()).hexdigest()},
        ).scalar_one()


BAD_PULLS = [
    ({"kec": "52.03.99"}, "bad_kecamatan"),
    ({"kec": "52.03.7"}, "bad_kecamatan"),
    ({"kec": "520307"}, "bad_kecamatan"),
    ({"kec": "52.03.07.1001"}, "bad_kecamatan"),
    ({"kec": "52.03.07", "cursor": "nope"}, "bad_cursor"),
    ({"kec": "52.03.07", "cursor": "1.2"}, "bad_cursor"),
    ({"kec": "52.03.07", "cursor": "-1.2.deadbeef"}, "bad_cursor"),
]


def test_bad_pull_is_400(server: Server) -> None:
    token = server.pair()
    for params, code in BAD_PULLS:
        r = httpx.get(
            server.url + PULL, params=params, headers={"Authorization": f"Bearer {token}"}
        )
        assert r.status_code == 400, r.text
        assert r.json()["error"]["code"] == code, params
    assert httpx.get(server.url + PULL).status_code == 401
