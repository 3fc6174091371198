"""The sync protocol over real HTTP: pairing, push outcomes, idempotency, errors."""

from __future__ import annotations

import dataclasses
import gzip
import json

import httpx
import pytest

from enrolment.card_token import verify
from enrolment.protocol import PAIR_PATH, PUSH_PATH, decode_push_reply
from enrolment.records import Enrolment
from tests.conftest import nik_for, person
from tests.integration.conftest import Server
from tests.integration.desk import Desk


def assert_error(r: httpx.Response, status: int, code: str) -> None:
    """A protocol error reply: status, JSON shape, both languages, no internals."""
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert body["proto"] == 1
    assert body["error"]["code"] == code
    assert body["error"]["id"] and body["error"]["en"]
    assert "Traceback" not in r.text and 'File "' not in r.text


def raw_results(r: httpx.Response) -> list[dict]:
    """The compact results of a push reply as sent (`o`, `m`, `s`, `g`, `p`, `x`)."""
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["proto"] == 1
    return body["results"]


def rebuilt(r: httpx.Response, i: int, sent: list[Enrolment]) -> str:
    """The card token the tablet rebuilds for result `i` (`sent[i]` the record it sent).

    `sent` may stand in a record for one the tablet could not have sent (a malformed
    one), so the reply's batch binding (tested in test_sync_binding.py) is left out."""
    reply = {k: v for k, v in r.json().items() if k not in ("b", "srv")}
    card = decode_push_reply(reply, sent)[i].card
    assert card is not None
    return card


def test_pairing_code_is_single_use(server: Server) -> None:
    code = server.pairing_code()
    assert len(code) == 9 and code[4] == "-", code
    ok = httpx.post(server.url + PAIR_PATH, json={"code": code, "device_name": "Tab 1"})
    assert ok.status_code == 200, ok.text
    body = ok.json()
    assert body["proto"] == 1 and body["device_id"] and len(body["token"]) >= 32

    again = httpx.post(server.url + PAIR_PATH, json={"code": code, "device_name": "Tab 2"})
    assert_error(again, 400, "pairing_code_invalid")
    wrong = httpx.post(server.url + PAIR_PATH, json={"code": "AAAA-BBBB", "device_name": "Tab 3"})
    assert_error(wrong, 400, "pairing_code_invalid")
    assert server.count("devices") == 1


def test_pairing_accepts_code_typed_loosely(server: Server) -> None:
    code = server.pairing_code().lower().replace("-", " ")
    r = httpx.post(server.url + PAIR_PATH, json={"code": code, "device_name": "Tab"})
    assert r.status_code == 200, r.text


def test_pair_request_validation_error_has_protocol_shape(server: Server) -> None:
    r = httpx.post(server.url + PAIR_PATH, json={"device_name": "Tab"})
    assert_error(r, 422, "invalid_request")
    r = httpx.post(server.url + PAIR_PATH, json={"code": 5, "device_name": "Tab"})
    assert_error(r, 422, "invalid_request")
    r = httpx.post(
        server.url + PAIR_PATH, content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert_error(r, 400, "not_json")


def test_pairing_body_may_be_gzipped(server: Server) -> None:
    body = gzip.compress(json.dumps({"code": server.pairing_code(), "device_name": "Tab"}).encode())
    r = httpx.post(
        server.url + PAIR_PATH,
        content=body,
        headers={"Content-Type": "application/json", "Content-Encoding": "gzip"},
    )
    assert r.status_code == 200, r.text


def test_push_creates_members_then_repeat_is_duplicate(server: Server) -> None:
    token = server.pair()
    batch = [person(1), person(2, female=True), person(3)]
    first = server.push_results(token, batch)
    assert {r.outcome for r in first.values()} == {"created"}
    for res in first.values():
        assert res.member_no and res.member_no.startswith("LT") and len(res.member_no) == 9
        assert res.card and res.card.startswith("1.k1.")
    assert len({r.member_no for r in first.values()}) == 3

    # The reply was "lost": the tablet resends the same batch, this time gzipped.
    again = server.push_results(token, batch, gz=True)
    assert set(again) == set(first)
    for cid, res in again.items():
        assert res.outcome == "duplicate"
        assert res.member_no == first[cid].member_no
        assert res.card == first[cid].card
    assert server.count("members") == 3
    assert server.count("submissions") == 3
    assert server.count("cards") == 3


def test_same_person_from_two_devices_is_merged(server: Server) -> None:
    tab_a, tab_b = server.pair_many(2)
    a = server.push_results(tab_a, [person(7, name="Lalu Ahmad")])
    # Officer B typed the name in another case and spacing: still the same person.
    rec_b = person(7, name="  LALU   ahmad ")
    b = server.push_results(tab_b, [rec_b])
    (res_a,), (res_b,) = a.values(), b.values()
    assert res_a.outcome == "created"
    assert res_b.outcome == "merged"
    assert res_b.member_no == res_a.member_no
    assert res_b.card == res_a.card  # rebuilt from B's record plus the name the card holds
    assert server.count("members") == 1


def test_same_nik_other_identity_is_a_conflict_for_review(server: Server) -> None:
    tab_a, tab_b = server.pair_many(2)
    created = server.push_results(tab_a, [person(9, name="Baiq Nurul")])
    assert next(iter(created.values())).outcome == "created"

    other = person(9, name="Inaq Saprah")
    (raw,) = raw_results(server.push(tab_b, [other]))
    assert raw["o"] == "conflict" and set(raw) == {"o", "p"}  # no member number, no card
    res = server.push_results(tab_b, [other])[other.client_id]
    assert res.outcome == "conflict"
    assert res.member_no is None and res.card is None
    (prob,) = res.problems
    assert prob["code"] == "identity_conflict"
    # Generic: the reply confirms no one's data, not even which field differs.
    assert "nama" not in prob["id"] and "name" not in prob["en"]
    assert "Baiq Nurul" not in str(prob) and "koordinator" in prob["id"].lower()
    assert server.count("members") == 1

    # A resend of the conflicting record stays a conflict: it was not delivered.
    again = server.push_results(tab_b, [other])[other.client_id]
    assert again.outcome == "conflict"
    assert again.problems == res.problems

    # Review is the coordinators' business: a device token no longer opens it.
    as_tablet = httpx.get(
        server.url + "/api/v1/review", headers={"Authorization": f"Bearer {tab_a}"}
    )
    assert as_tablet.status_code == 401
    review = Desk(server).get("/api/v1/review")
    assert review.status_code == 200, review.text
    (item,) = review.json()["items"]
    assert item["kind"] == "identity_conflict" and item["status"] == "open"
    assert item["fields"] == ["full_name"]
    assert item["member"]["name"] == "Baiq Nurul"
    assert item["submitted"]["name"] == "Inaq Saprah"
    assert nik_for(9) not in review.text  # masked only
    assert item["nik_masked"] == "5203********0009"


def test_conflict_on_birth_date_does_not_say_which_field(server: Server) -> None:
    # The NIK holds only a 2-digit year, so one NIK fits births a century apart.
    token = server.pair()
    young = person(4, name="Amaq Sahnan", year=2010)
    old = person(4, name="Amaq Sahnan", year=1910)
    assert young.nik == old.nik
    server.push(token, [young])
    res = server.push_results(token, [old])[old.client_id]
    assert res.outcome == "conflict"
    (prob,) = res.problems
    # Which field differs is the coordinator's to see (review item), not the tablet's.
    assert "tanggal lahir" not in prob["id"] and "birth date" not in prob["en"]
    assert "2010" not in str(prob) and "sudah terdaftar" in prob["id"]


def test_one_invalid_record_does_not_fail_the_batch(server: Server) -> None:
    token = server.pair()
    good1, good2 = person(11), person(12)
    bad_nik = dataclasses.replace(person(13), nik="52030717088500")  # 14 digits
    bad_shape = {"cid": "shape-1", "ver": "one"}
    r = server.push(token, [good1, bad_nik, bad_shape, good2])
    res = raw_results(r)  # positional: the malformed record has no Enrolment to decode with
    assert len(res) == 4
    assert res[0]["o"] == "created" and res[3]["o"] == "created"
    for i in (0, 3):
        assert verify(rebuilt(r, i, [good1, bad_nik, good1, good2]), server.public_keys())
    rej = res[1]
    assert rej["o"] == "rejected" and "m" not in rej and "g" not in rej
    (prob,) = rej["p"]
    assert prob["field"] == "nik" and prob["code"] == "nik_length"
    assert "16" in prob["id"] and "16" in prob["en"]
    assert res[2]["o"] == "rejected"
    assert res[2]["p"][0]["code"] == "malformed"
    assert server.count("members") == 2

    # Same answers on a resend.
    res2 = raw_results(server.push(token, [good1, bad_nik, bad_shape, good2]))
    assert res2[0]["o"] == "duplicate" and res2[0]["s"] == res[0]["s"]
    assert res2[1] == rej
    assert res2[2] == res[2]
    assert server.count("members") == 2


def test_reused_version_with_new_content_is_rejected(server: Server) -> None:
    token = server.pair()
    original = person(21, name="Muhammad Zaini")
    assert server.push_results(token, [original])[original.client_id].outcome == "created"
    edited = dataclasses.replace(original, phone="087700011122")  # same cid and ver
    res = server.push_results(token, [edited])[original.client_id]
    assert res.outcome == "rejected"
    assert res.problems[0]["code"] == "version_reused"
    bumped = dataclasses.replace(edited, version=2)
    res = server.push_results(token, [bumped])[original.client_id]
    assert res.outcome == "merged"


def test_missing_or_wrong_token_is_401(server: Server) -> None:
    server.pair()
    assert_error(server.push(None, [person(1)]), 401, "unauthorized")
    assert_error(server.push("not-a-real-token", [person(1)]), 401, "unauthorized")
    r = httpx.post(
        server.url + PUSH_PATH,
        json={"proto": 1, "records": []},
        headers={"Authorization": "Basic x"},
    )
    assert_error(r, 401, "unauthorized")
    assert_error(httpx.get(server.url + "/api/v1/review"), 401, "unauthorized")
    assert_error(httpx.get(server.url + "/api/v1/cards/LT0000001.png"), 401, "unauthorized")
    assert server.count("members") == 0


BAD_BODIES = [
    pytest.param(b"this is not json", {}, "not_json", id="not-json"),
    pytest.param(b"\xff\xfe\x00garbage", {}, "not_json", id="binary"),
    pytest.param(b"", {}, "not_json", id="empty"),
    pytest.param(b"[1, 2]", {}, "not_push", id="json-array"),
    pytest.param(b'{"proto": 2, "records": []}', {}, "not_push", id="proto-2"),
    pytest.param(b'{"proto": true, "records": []}', {}, "not_push", id="proto-true"),
    pytest.param(b'{"proto": 1, "records": {}}', {}, "not_push", id="records-not-list"),
    pytest.param(b'{"proto": 1}', {}, "not_push", id="no-records"),
    pytest.param(b"not gzip at all", {"Content-Encoding": "gzip"}, "bad_encoding", id="gzip-junk"),
    pytest.param(
        gzip.compress(b'{"proto": 1, "records": []}')[:-12],
        {"Content-Encoding": "gzip"},
        "bad_encoding",
        id="gzip-truncated",
    ),
    pytest.param(gzip.compress(b"nope"), {"Content-Encoding": "gzip"}, "not_json", id="gzip-text"),
    pytest.param(b"{}", {"Content-Encoding": "br"}, "bad_encoding", id="brotli"),
    pytest.param(
        json.dumps({"proto": 1, "records": [{}] * 501}).encode(), {}, "too_many_records", id="501"
    ),
    pytest.param(
        gzip.compress(b" " * (20 * 1024 * 1024)),
        {"Content-Encoding": "gzip"},
        "body_too_large",
        id="gzip-bomb",
    ),
]


def test_bad_bodies_are_400_and_store_nothing(server: Server) -> None:
    token = server.pair()
    for param in BAD_BODIES:
        body, headers, code = param.values
        r = httpx.post(
            server.url + PUSH_PATH,
            content=body,
            headers={"Authorization": f"Bearer {token}", **headers},
        )
        assert_error(r, 400, code)
    assert server.count("submissions") == 0
    assert server.count("members") == 0


def test_unknown_paths_and_methods_answer_json(server: Server) -> None:
    assert_error(httpx.get(server.url + "/api/v1/nothing"), 404, "not_found")
    assert_error(httpx.get(server.url + PUSH_PATH), 405, "method_not_allowed")


def test_health_and_keys(server: Server) -> None:
    assert httpx.get(server.url + "/healthz").json() == {"proto": 1, "status": "ok"}
    keys = httpx.get(server.url + "/api/v1/keys").json()
    assert keys["proto"] == 1
    (key,) = keys["keys"]
    assert key["kid"] == "k1" and key["alg"] == "Ed25519" and len(key["x"]) == 43
