"""`decode_push_reply` refuses every malformed push reply with the protocol's own error.

The tablet must never mark a record as sent on a reply it cannot read, and it can only
tell "bad reply" from a crash if the decoder raises `WireError` (docs/protocol.md: a
client treats anything but a well-formed proto-1 reply as a failed attempt). So each
malformed reply below is a small mutation of a valid one, and the decoder must raise
`WireError`: never TypeError, KeyError or AttributeError.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from enrolment import card_token
from enrolment.protocol import (
    Outcome,
    RecordResult,
    WireError,
    decode_push_reply,
    encode_push_reply,
    record_to_wire,
)
from tests.conftest import person

KEY = Ed25519PrivateKey.generate()
PUB = {"k1": KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)}
SENT = [person(1), person(2), person(3)]


def _token(rec, serial: int, *, name: str | None = None) -> str:
    claims = card_token.CardClaims(
        serial=serial,
        member_no=f"LT{serial:07d}",
        name=name or rec.full_name,
        segment=rec.segment,
        village_code=rec.village_code,
        issued=date(2026, 11, 25),
        expires=date(2031, 11, 25),
    )
    payload = card_token.encode_claims(claims)
    return card_token.assemble("k1", payload, KEY.sign(card_token.signing_input("k1", payload)))


RESULTS = [
    RecordResult(SENT[0].client_id, 1, Outcome.CREATED, "LT0000001", _token(SENT[0], 1)),
    # merged into a member whose stored name differs: the name travels in "x"
    RecordResult(
        SENT[1].client_id, 1, Outcome.MERGED, "LT0000002", _token(SENT[1], 2, name="ORANG UJI")
    ),
    RecordResult(
        SENT[2].client_id,
        1,
        Outcome.CONFLICT,
        problems=[{"field": "nik", "code": "identity_conflict", "id": "…", "en": "…"}],
    ),
]


def valid_reply() -> dict[str, Any]:
    return encode_push_reply([record_to_wire(r) for r in SENT], RESULTS)


def test_the_unmutated_reply_decodes_to_verifiable_cards():
    reply = valid_reply()
    assert reply["results"][1]["x"] == {"n": "ORANG UJI"}
    decoded = decode_push_reply(reply, SENT)
    assert decoded == RESULTS
    assert card_token.verify(decoded[1].card, PUB).name == "ORANG UJI"


def _set(path: tuple[Any, ...], value: Any) -> Callable[[dict], None]:
    def mutate(reply: dict) -> None:
        target = reply
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value

    return mutate


def _drop(path: tuple[Any, ...]) -> Callable[[dict], None]:
    def mutate(reply: dict) -> None:
        target = reply
        for key in path[:-1]:
            target = target[key]
        del target[path[-1]]

    return mutate


def _more(reply: dict) -> None:
    reply["results"].append({"o": "created", "m": "LT0000009"})


def _more_duplicate(reply: dict) -> None:
    reply["results"].append(copy.deepcopy(reply["results"][-1]))


def _fewer(reply: dict) -> None:
    reply["results"].pop()


def _none(reply: dict) -> None:
    reply["results"].clear()


MALFORMED = [
    # the result count must equal the records sent
    pytest.param(_more, id="more-results-than-records"),
    pytest.param(_more_duplicate, id="more-results-last-repeated"),
    pytest.param(_fewer, id="fewer-results-than-records"),
    pytest.param(_none, id="no-results"),
    pytest.param(_drop(("results",)), id="results-missing"),
    pytest.param(_set(("results",), {"0": {"o": "created"}}), id="results-an-object"),
    pytest.param(_set(("results",), "created,merged,conflict"), id="results-a-string"),
    # the envelope
    pytest.param(_drop(("proto",)), id="proto-missing"),
    pytest.param(_set(("proto",), 2), id="proto-2"),
    pytest.param(_set(("proto",), "1"), id="proto-as-text"),
    # a result that is not an object
    pytest.param(_set(("results", 0), "created"), id="result-a-string"),
    pytest.param(_set(("results", 0), None), id="result-null"),
    pytest.param(_set(("results", 0), ["created", "LT0000001"]), id="result-a-list"),
    pytest.param(_set(("results", 2), 3), id="result-a-number"),
    # the outcome
    pytest.param(_set(("results", 0, "o"), "teleported"), id="outcome-unknown"),
    pytest.param(_set(("results", 0, "o"), "CREATED"), id="outcome-wrong-case"),
    pytest.param(_drop(("results", 2, "o")), id="outcome-missing"),
    pytest.param(_set(("results", 0, "o"), ["created"]), id="outcome-a-list"),
    pytest.param(_set(("results", 0, "o"), {"v": "created"}), id="outcome-an-object"),
    # problems: a list of objects
    pytest.param(_set(("results", 2, "p"), ["identity_conflict"]), id="problem-a-string"),
    pytest.param(_set(("results", 2, "p"), [None]), id="problem-null"),
    pytest.param(_set(("results", 2, "p"), [["nik", "x"]]), id="problem-a-list"),
    pytest.param(_set(("results", 2, "p"), "identity_conflict"), id="problems-a-string"),
    pytest.param(_set(("results", 2, "p"), {"code": "x"}), id="problems-an-object"),
    # the member number: text
    pytest.param(_set(("results", 0, "m"), 1), id="member-no-a-number"),
    pytest.param(_set(("results", 0, "m"), ["LT0000001"]), id="member-no-a-list"),
    pytest.param(_set(("results", 0, "m"), {"n": 1}), id="member-no-an-object"),
    pytest.param(_set(("results", 2, "m"), 5), id="member-no-a-number-without-card"),
    pytest.param(_set(("results", 2, "m"), True), id="member-no-true-without-card"),
    # the card: serial, signature, key id, dates, claims
    pytest.param(_drop(("results", 0, "s")), id="card-without-serial"),
    pytest.param(_set(("results", 0, "s"), "1"), id="card-serial-as-text"),
    pytest.param(_set(("results", 0, "g"), 5), id="card-signature-a-number"),
    pytest.param(_set(("results", 0, "g"), None), id="card-signature-null"),
    pytest.param(_set(("results", 0, "g"), "!!not base64!!"), id="card-signature-not-b64"),
    pytest.param(_drop(("kid",)), id="card-without-kid"),
    pytest.param(_set(("kid",), 1), id="card-kid-a-number"),
    pytest.param(_drop(("issued",)), id="card-without-issued"),
    pytest.param(_set(("expires",), "2031-11-25"), id="card-expires-iso"),
    pytest.param(_set(("expires",), "20311325"), id="card-expires-month-13"),
    pytest.param(_set(("results", 0, "x"), ["n"]), id="card-extra-a-list"),
    pytest.param(_set(("results", 1, "x"), {"sg": "astronaut"}), id="card-segment-unknown"),
    pytest.param(_set(("results", 1, "x"), {"sg": 5}), id="card-segment-a-number"),
    pytest.param(_set(("results", 1, "x"), {"i": 20261125}), id="card-issued-a-number"),
    pytest.param(_set(("results", 1, "x"), {"k": 7}), id="card-kid-override-a-number"),
    # claims in "x" must be text (at 3bd025f a number here raised AttributeError/TypeError)
    pytest.param(_set(("results", 1, "x"), {"n": 5}), id="card-name-a-number"),
    pytest.param(
        _set(("results", 1, "x"), {"n": ["ORANG", "UJI"]}),
        id="card-name-a-list",
    ),
    pytest.param(_set(("results", 1, "x"), {"v": 52030710}), id="card-village-a-number"),
    pytest.param(_set(("results", 1, "x"), {"mn": 2}), id="card-member-no-a-number"),
]


@pytest.mark.parametrize("mutate", MALFORMED)
def test_a_malformed_reply_raises_wire_error(mutate):
    reply = valid_reply()
    mutate(reply)
    assert reply != valid_reply()  # the mutation changed something
    with pytest.raises(WireError):
        decode_push_reply(reply, SENT)


@pytest.mark.parametrize(
    "reply",
    [None, "", "<html>login hotspot</html>", [], [{"o": "created"}] * 3, 1, True],
    ids=["null", "empty", "html", "list", "list-of-results", "number", "true"],
)
def test_a_reply_that_is_not_an_object_raises_wire_error(reply):
    with pytest.raises(WireError):
        decode_push_reply(reply, SENT)


def test_an_empty_batch_needs_an_empty_result_list():
    assert decode_push_reply({"proto": 1, "results": []}, []) == []
    with pytest.raises(WireError):
        decode_push_reply({"proto": 1, "results": [{"o": "created"}]}, [])


def test_results_stay_in_the_order_sent():
    """The position says which record: the first result belongs to the first record."""
    decoded = decode_push_reply(valid_reply(), SENT)
    assert [(r.cid, r.ver) for r in decoded] == [(s.client_id, s.version) for s in SENT]
    assert [r.outcome for r in decoded] == [Outcome.CREATED, Outcome.MERGED, Outcome.CONFLICT]
    assert decoded[2].member_no is None and decoded[2].card is None
    assert decoded[2].problems[0]["code"] == "identity_conflict"
