"""The compact push reply: what the server encodes, the tablet decodes to the same tokens."""

from __future__ import annotations

from datetime import date

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


def token_for(rec, serial, *, name=None, expires=date(2031, 11, 25)):
    claims = card_token.CardClaims(
        serial=serial,
        member_no=f"LT{serial:07d}",
        name=name or rec.full_name,
        segment=rec.segment,
        village_code=rec.village_code,
        issued=date(2026, 11, 25),
        expires=expires,
    )
    payload = card_token.encode_claims(claims)
    return card_token.assemble("k1", payload, KEY.sign(card_token.signing_input("k1", payload)))


def test_round_trip_rebuilds_every_token_exactly():
    recs = [person(1), person(2), person(3), person(4)]
    results = [
        RecordResult(recs[0].client_id, 1, Outcome.CREATED, "LT0000001", token_for(recs[0], 1)),
        # merged into a member whose stored name differs in case: the name travels
        RecordResult(
            recs[1].client_id,
            1,
            Outcome.MERGED,
            "LT0000002",
            token_for(recs[1], 2, name="ORANG UJI 2", expires=date(2030, 1, 1)),
        ),
        RecordResult(recs[2].client_id, 1, Outcome.CONFLICT, problems=[{"code": "x"}]),
        RecordResult(recs[3].client_id, 1, Outcome.REJECTED, problems=[{"code": "y"}]),
    ]
    reply = encode_push_reply([record_to_wire(r) for r in recs], results)
    assert "cid" not in str(reply) and recs[0].client_id not in str(reply)
    assert reply["results"][1]["x"] == {"n": "ORANG UJI 2", "e": "20300101"}
    decoded = decode_push_reply(reply, recs)
    assert decoded == results
    assert card_token.verify(decoded[1].card, PUB).name == "ORANG UJI 2"


@pytest.mark.parametrize(
    "reply",
    [
        "<html>login</html>",
        {"results": []},
        {"proto": 1, "results": [{"o": "created"}]},  # count differs from records sent
        {"proto": 1, "results": [{"o": "teleported"}, {"o": "created"}]},
        {"proto": 1, "results": [{"o": "created", "g": "abc"}, {"o": "created"}]},
    ],
)
def test_anything_but_a_well_formed_reply_is_refused(reply):
    with pytest.raises(WireError):
        decode_push_reply(reply, [person(1), person(2)])
