"""The projections derived from `enrolment.fields`: member columns (ingest), plain form
inputs (tablet), reported fields (desk review and export).

Each projection is checked against the schema, so a field added to `RECORD_FIELDS`
without its column, label or keyboard fails here, and the derived member columns are
compared with the hand-written projection ingest used before they were derived.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import Any

import pytest

from enrolment import fields, records
from enrolment.fields import KEYBOARDS, PLAIN_KINDS, RECORD_FIELDS, FieldSpec
from enrolment.household import Household
from enrolment.member_columns import (
    IDENTITY_COLUMNS,
    PROGRAMME_COLUMNS,
    identity_values,
    programme_defaults,
    programme_values,
)
from enrolment.messages import MESSAGES
from enrolment.segment_details import conversion_due
from field_app import typed_values
from sync_server.models import Member
from sync_server.services import reported_fields
from tests.conftest import person

BIRTH = date(1985, 8, 17)


def _old_programme_fields(rec: records.Enrolment) -> dict[str, Any]:
    """ingest_decision.programme_fields as written by hand before member_columns."""
    details = rec.details
    cash, due = None, None
    if details is not None and rec.segment == "umkm_owner":
        value = details.get("startup_cash")
        ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
        cash = int(value) if ok else None
        due = conversion_due(details)
    household = rec.household
    return {
        "funding": rec.funding,
        "income": rec.income,
        "jht": rec.jht,
        "household_kk": household.kk if household else "",
        "household_relation": household.relation if household else "",
        "household_head": household.head if household else "",
        "details": (
            None
            if details is None
            else json.dumps(details, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        ),
        "startup_cash": cash,
        "conversion_due": due,
    }


SAMPLES = [
    person(1),
    replace(person(2), details={}, income=0, funding="apbd"),
    replace(
        person(3, segment="umkm_owner"),
        details={"startup_cash": 750_000, "cash_date": "2026-02-28", "nama": "Warung É"},
        income=2_500_000,
        funding="self",
        jht=True,
    ),
    replace(person(4, segment="umkm_owner"), details={"startup_cash": True}),
    replace(
        person(5, segment="poor_household"),
        details={},
        household=Household(kk="5203070101010001", relation="child", head="abc"),
    ),
]


@pytest.mark.parametrize("rec", SAMPLES, ids=lambda r: r.segment)
def test_programme_columns_are_what_ingest_wrote_by_hand(rec: records.Enrolment) -> None:
    values, before = programme_values(rec), _old_programme_fields(rec)
    # The same columns and values as before; a field added since may only add columns.
    assert {k: values.get(k, "missing") for k in before} == before
    assert set(values) - set(before) <= {f.member_column for f in RECORD_FIELDS if f.optional}


def test_every_member_column_of_the_schema_is_a_column_of_members() -> None:
    columns = set(Member.model_fields)
    assert set(IDENTITY_COLUMNS) | set(PROGRAMME_COLUMNS) <= columns
    assert set(programme_defaults()) == set(PROGRAMME_COLUMNS)
    for column, default in programme_defaults().items():
        assert Member.model_fields[column].default == default, column


def test_identity_values_follow_the_editable_fields() -> None:
    rec = person(7)
    values = identity_values(rec, BIRTH)
    assert list(values) == list(IDENTITY_COLUMNS)
    assert values["birth_date"] == BIRTH and values["full_name"] == rec.full_name


def test_every_reported_column_has_a_label_and_is_a_member_column() -> None:
    assert reported_fields.REPORTED_COLUMNS  # income, funding, JHT, KK, relation
    for column, _ in reported_fields.REPORTED_COLUMNS:
        assert column in Member.model_fields
        label = reported_fields._LABELS[column]
        assert MESSAGES[label]["id"] and MESSAGES[label]["en"]


def test_reported_values_read_the_same_from_a_member_and_from_its_payload() -> None:
    from enrolment.protocol import record_to_wire

    rec = SAMPLES[4]
    member = Member(
        nik=rec.nik,
        full_name=rec.full_name,
        birth_date=BIRTH,
        sex="M",
        village_code=rec.village_code,
        segment=rec.segment,
        **programme_values(rec),
    )
    payload = json.dumps(record_to_wire(rec))
    assert reported_fields.from_member(member) == reported_fields.from_payload(payload)
    rows = {
        r.column: r.value for r in reported_fields.review_rows(reported_fields.from_member(member))
    }
    assert rows["household_relation"] == "Anak / Child" and rows["household_kk"] == rec.household.kk
    assert rows["jht"] == "Tidak / No"
    assert reported_fields.from_payload("{not json") == dict.fromkeys(
        c for c, _ in reported_fields.REPORTED_COLUMNS
    )


def test_every_plain_input_has_a_label_a_keyboard_and_a_kind_the_form_reads() -> None:
    for spec in fields.PLAIN_INPUTS:
        assert spec.kind in PLAIN_KINDS and spec.keyboard in KEYBOARDS, spec.wire
        assert spec.optional and spec.member_column, spec.wire  # older records stay valid
        assert MESSAGES[spec.attr]["id"] and MESSAGES[spec.attr]["en"], spec.wire


# The plain-input path, exercised with existing attributes standing in for a new field.
_TEXT = FieldSpec("name", "full_name", "text", 200, plain_input=True, keyboard="text")
_MONEY = FieldSpec("income", "income", "money", plain_input=True, keyboard="number")


def test_plain_inputs_are_read_from_what_was_typed_and_shown_back(monkeypatch) -> None:
    monkeypatch.setattr(typed_values, "PLAIN_INPUTS", (_TEXT, _MONEY))
    values = typed_values.plain_record_values({"full_name": "  Sri  ", "income": "1.500.000"})
    assert values == {"full_name": "Sri", "income": 1_500_000}
    rec = replace(person(1), **values)
    assert typed_values.plain_typed_values(rec) == {"full_name": "Sri", "income": "1500000"}
    assert typed_values.plain_record_values({}) == {"full_name": "", "income": None}


def test_a_plain_text_input_is_checked_for_length_and_characters(monkeypatch) -> None:
    monkeypatch.setattr(records, "PLAIN_INPUTS", (_TEXT,))
    long = replace(person(1), full_name="A" * 101)
    assert ("full_name", "text_too_long") in {(p.field, p.code) for p in records.validate(long)}
    bad = replace(person(1), full_name="Sri\u202eX")
    assert [p.code for p in records.character_problems(bad) if p.field == "full_name"] == [
        "bad_characters"
    ]


def test_the_schema_names_each_wire_key_and_attribute_once() -> None:
    assert len({f.wire for f in RECORD_FIELDS}) == len(RECORD_FIELDS)
    assert len({f.attr for f in RECORD_FIELDS}) == len(RECORD_FIELDS)
