"""The fast paths of the push's wire form give exactly what the plain ones gave.

The content hash of every stored submission is the SHA-256 of its canonical JSON: if a
faster encoder changed one byte, a resent record would be answered `version_reused`.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, replace

from hypothesis import given
from hypothesis import strategies as st

from bench.dataset import people
from enrolment.household import Household
from enrolment.protocol import _TO_WIRE, record_to_wire
from enrolment.records import Consent, Enrolment, character_problems, each_text_problems
from sync_server.services.canonical_json import canonical_json
from sync_server.services.ingest import content_hash


@given(st.builds(Consent, given=st.booleans(), by=st.text(), method=st.text(), at=st.text()))
def test_consent_goes_on_the_wire_as_all_its_fields(consent: Consent) -> None:
    assert list(_TO_WIRE["consent"](consent).items()) == list(asdict(consent).items())


@given(st.builds(Household, kk=st.text(), relation=st.text(), head=st.text()))
def test_household_goes_on_the_wire_as_all_its_fields(household: Household) -> None:
    assert list(_TO_WIRE["household"](household).items()) == list(asdict(household).items())


_EDGES = ["\x7f", "\x00", "\x1f", "\\", '"', "/", "\u00e9", "\u2028", "\ud800", "\U0001f600"]
# Mostly ASCII (the fast path), with the characters where encoders differ.
_texts = st.text(alphabet=st.characters(max_codepoint=0x7F) | st.sampled_from(_EDGES), max_size=8)
_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(),
    _texts,
)
_json = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_texts, inner, max_size=4),
    max_leaves=20,
)


def _plain(obj: object) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"))


@given(st.dictionaries(_texts, _json, max_size=8))
def test_canonical_json_is_byte_for_byte_the_plain_encoders(obj: dict) -> None:
    assert canonical_json(obj) == _plain(obj)


@given(st.sampled_from(people(300, seed=5)))
def test_a_records_hash_is_the_plain_encoders(record: Enrolment) -> None:
    wire = record_to_wire(record)
    payload, digest = content_hash(record)
    assert payload == _plain(wire)
    assert digest == hashlib.sha256(_plain(wire).encode()).hexdigest()


_odd_texts = st.one_of(st.text(max_size=12), _texts)


@given(
    st.sampled_from(people(200, seed=9)),
    st.dictionaries(
        st.sampled_from(["full_name", "nik", "phone", "village_code", "funding", "created_at"]),
        _odd_texts,
    ),
    st.none() | st.dictionaries(_odd_texts, _scalars, max_size=3),
    st.none() | st.builds(Household, kk=_odd_texts, relation=_odd_texts, head=_odd_texts),
)
def test_character_checks_fast_path_equals_the_long_way(
    record: Enrolment, texts: dict, details: dict | None, household: Household | None
) -> None:
    odd = replace(record, **texts, details=details, household=household)
    assert character_problems(odd) == each_text_problems(odd)


def test_a_nan_detail_is_reported_on_an_all_ascii_record() -> None:
    record = replace(people(1, seed=3)[0], details={"luas": float("nan"), "ok": 1.5})
    assert [(p.field, p.code) for p in character_problems(record)] == [
        ("details.luas", "number_invalid")
    ]
    assert character_problems(record) == each_text_problems(record)
