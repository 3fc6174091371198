"""The record's top-level fields (`enrolment.fields`) and the wire codec built on them.

The wire form must stay exactly what it was (the server stores a content hash of it
and answers a repeat as `duplicate` by that hash), so it is compared with the form
the hand-written encoder of earlier versions produced.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from dataclasses import asdict, replace
from typing import Any

import pytest

from enrolment.fields import (
    BY_WIRE,
    CARD_ATTRS,
    CARD_COLUMNS,
    EDITABLE_ATTRS,
    EDITABLE_COLUMNS,
    HOUSEHOLD_COLUMNS,
    KEYBOARDS,
    RECORD_FIELDS,
    STRING_KINDS,
)
from enrolment.household import Household
from enrolment.protocol import WireError, record_from_wire, record_to_wire
from enrolment.records import Enrolment
from sync_server.models import Member
from sync_server.services import ingest_decision
from tests.conftest import person


def _old_wire(record: Enrolment) -> dict[str, Any]:
    """The wire form as the hand-written record_to_wire made it (before FieldSpec)."""
    out: dict[str, Any] = {
        "cid": record.client_id,
        "ver": record.version,
        "nik": record.nik,
        "name": record.full_name,
        "birth_date": record.birth_date,
        "sex": record.sex,
        "village": record.village_code,
        "phone": record.phone,
        "segment": record.segment,
        "consent": asdict(record.consent),
        "created_at": record.created_at,
    }
    if record.details is not None:
        out["details"] = dict(record.details)
    if record.income is not None:
        out["income"] = record.income
    if record.funding:
        out["funding"] = record.funding
    if record.jht:
        out["jht"] = True
    if record.household is not None:
        h = record.household
        out["household"] = {"kk": h.kk, "relation": h.relation, "head": h.head}
    return out


def _hash(wire: dict[str, Any]) -> str:
    payload = json.dumps(wire, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


OLD_APP = person(3)
NEW_APP = replace(
    person(4, segment="poor_household"),
    details={},
    income=0,
    funding="apbd",
    jht=True,
    household=Household(kk="5203070101010001", relation="head", head="x"),
)
SOME_OPTIONAL = replace(person(5), details={"farmer_group": "Poktan", "land_ha": 0.5}, income=1)


@pytest.mark.parametrize("record", [OLD_APP, NEW_APP, SOME_OPTIONAL], ids=["v1", "all", "some"])
def test_the_wire_form_and_its_hash_are_unchanged(record: Enrolment) -> None:
    wire = record_to_wire(record)
    assert list(wire) == list(_old_wire(record))  # same keys, same order
    assert wire == _old_wire(record)
    assert _hash(wire) == _hash(_old_wire(record))


def test_an_old_apps_record_carries_no_optional_field() -> None:
    assert not {f.wire for f in RECORD_FIELDS if f.optional} & set(record_to_wire(OLD_APP))


@pytest.mark.parametrize("record", [OLD_APP, NEW_APP, SOME_OPTIONAL], ids=["v1", "all", "some"])
def test_a_record_round_trips(record: Enrolment) -> None:
    assert record_from_wire(json.loads(json.dumps(record_to_wire(record)))) == record


@pytest.mark.parametrize(
    "bad",
    [
        {"cid": ""},
        {"ver": 0},
        {"ver": True},
        {"name": "x" * 201},
        {"sex": "MFX"},
        {"consent": None},
        {"consent": {"given": "yes"}},
        {"details": []},
        {"income": 1.5},
        {"jht": "yes"},
        {"household": "kk"},
    ],
)
def test_a_wrong_shape_is_a_wire_error(bad: dict[str, Any]) -> None:
    with pytest.raises(WireError):
        record_from_wire({**record_to_wire(OLD_APP), **bad})


def test_every_attribute_of_the_record_has_exactly_one_field_spec() -> None:
    attrs = [f.attr for f in RECORD_FIELDS]
    assert sorted(attrs) == sorted(f.name for f in dataclasses.fields(Enrolment))
    assert len(BY_WIRE) == len(RECORD_FIELDS)


def test_field_specs_are_consistent() -> None:
    columns = set(Member.model_fields)
    defaults = {f.name: f.default for f in dataclasses.fields(Enrolment)}
    for f in RECORD_FIELDS:
        assert (f.max_len > 0) == (f.kind in STRING_KINDS), f.wire
        assert f.keyboard is None or f.keyboard in KEYBOARDS
        assert f.member_column is None or f.member_column in columns
        assert not (f.editable or f.on_card) or f.member_column is not None
        if f.optional:  # its default is what the wire leaves out
            assert defaults[f.attr] in (None, "", False)


def test_ingest_decides_with_the_same_editable_and_printed_fields() -> None:
    # Until ingest imports them from enrolment.fields, they must agree.
    assert set(EDITABLE_COLUMNS) == set(ingest_decision.EDITABLE)
    assert set(CARD_COLUMNS) == set(ingest_decision.ON_CARD)
    assert set(CARD_ATTRS) <= set(EDITABLE_ATTRS)


def test_the_household_columns_exist_on_the_member() -> None:
    assert set(HOUSEHOLD_COLUMNS) <= set(Member.model_fields)
