"""The verification reply's codec, both directions; anything else is a WireError."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from enrolment.protocol import WireError
from enrolment.verify_codec import (
    VerifiedCard,
    VerifyReply,
    decode_verify_reply,
    encode_verify_reply,
)

CARD = VerifiedCard(
    7,
    "LT0000007",
    "Baiq Rahmawati",
    "umkm_owner",
    "Pelaku UMKM",
    "52.03.07.1001",
    "Pancor, Selong",
    "5203********0042",
    date(2026, 11, 25),
    date(2031, 11, 25),
)


@pytest.mark.parametrize(
    "reply",
    [
        VerifyReply("valid", "ok", "Kartu asli.", "Genuine card.", None, CARD),
        VerifyReply("revoked", "replaced", "Dicabut.", "Revoked.", date(2026, 12, 1), CARD),
        VerifyReply("not_genuine", "bad_signature", "Tidak asli.", "Not genuine."),
    ],
)
def test_a_reply_reads_back_as_it_was_written(reply: VerifyReply) -> None:
    assert decode_verify_reply(encode_verify_reply(reply)) == reply


def test_a_card_showing_the_nik_is_refused() -> None:
    wire = encode_verify_reply(VerifyReply("valid", "ok", "a", "b", None, CARD))
    wire["card"]["nik_masked"] = "5203071708850042"
    with pytest.raises(WireError):
        decode_verify_reply(wire)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=8,
)


_VALID = encode_verify_reply(VerifyReply("valid", "ok", "a", "b", None, CARD))


@settings(suppress_health_check=[HealthCheck.too_slow], max_examples=300)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "proto",
                "status",
                "reason",
                "message",
                "card",
                "revoked_on",
                "serial",
                "name",
                "issued",
                "expires",
                "nik_masked",
            ]
        ),
        _JSON,
        max_size=6,
    )
)
def test_any_other_shape_is_a_wire_error(obj: dict) -> None:
    # A valid reply with some of its parts replaced by arbitrary JSON: it decodes or it
    # is a WireError, never another exception.
    with contextlib.suppress(WireError):
        decode_verify_reply({**_VALID, **obj})
    card = {**_VALID["card"], **{k: v for k, v in obj.items() if k != "card"}}
    with contextlib.suppress(WireError):
        decode_verify_reply({**_VALID, "card": card})
