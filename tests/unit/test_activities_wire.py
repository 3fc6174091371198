"""The wire shapes of attendance and UMKM follow-up visits (enrolment/activities.py)."""

from __future__ import annotations

import contextlib
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enrolment import activities as a
from enrolment import worklist as w
from enrolment.protocol import WireError

VISIT = a.UmkmVisit(
    "c1", "LT0000007", a.VisitOutcome.CONVERTED, "2027-01-02T01:00:00Z", starts=date(2027, 2, 1)
)
SEEN = a.Attendance("c2", "s3ss10n", a.Method.NIK, "2027-01-02T01:00:00Z", nik="5203074508900001")
GUEST = a.Attendance("c3", "s3ss10n", a.Method.GUEST, "2027-01-02T01:00:00Z", name="Baiq Nur")


@pytest.mark.parametrize("activity", [VISIT, SEEN, GUEST])
def test_an_activity_travels_unchanged(activity: a.Activity) -> None:
    assert a.activity_from_wire(a.activity_to_wire(activity)) == activity
    assert a.activity_problems(activity) == []


def test_the_rules_name_what_is_missing() -> None:
    def codes(activity: a.Activity) -> list[str]:
        return [p.code for p in a.activity_problems(activity)]

    assert codes(a.UmkmVisit("c", "LT1", a.VisitOutcome.DECLINED, "t")) == ["visit_reason_missing"]
    assert codes(a.UmkmVisit("c", "LT1", a.VisitOutcome.CONVERTED, "t")) == ["visit_start_missing"]
    moved = a.UmkmVisit("c", "LT1", a.VisitOutcome.MOVED, "t", starts=date(2027, 1, 1))
    assert codes(moved) == ["visit_start_only_converted"]
    assert codes(a.Attendance("c", "s", a.Method.CARD, "t")) == ["attendance_card_missing"]
    assert codes(a.Attendance("c", "s", a.Method.NIK, "t", nik="52030")) == [
        "attendance_nik_format"
    ]
    assert codes(a.Attendance("c", "s", a.Method.GUEST, "t", name="  ")) == [
        "attendance_name_missing"
    ]


def test_a_reply_for_another_batch_is_refused() -> None:
    results = [a.ActivityResult("c1", a.ActivityOutcome.RECORDED)]
    reply = a.encode_activities_reply(["c1"], results, srv="x.1")
    assert a.decode_activities_reply(reply, [VISIT]) == results
    with pytest.raises(WireError):
        a.decode_activities_reply(reply, [SEEN])  # bound to c1, not c2
    with pytest.raises(WireError):
        a.decode_activities_reply({**reply, "results": []}, [VISIT])


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=6)
    ),
    max_leaves=20,
)
_FIELDS = st.sampled_from(
    [
        "cid",
        "kind",
        "session",
        "method",
        "at",
        "card",
        "nik",
        "name",
        "member_no",
        "outcome",
        "starts",
        "reason",
    ]
)


@settings(max_examples=400, deadline=None)
@given(
    st.dictionaries(
        _FIELDS,
        _JSON
        | st.sampled_from(
            [
                "attendance",
                "umkm_visit",
                "card",
                "nik",
                "guest",
                "converted",
                "declined",
                "2027-01-01",
                "LT0000001",
            ]
        ),
        max_size=12,
    )
)
def test_any_pushed_item_parses_or_is_a_wire_error(obj: dict) -> None:
    try:
        activity = a.activity_from_wire(obj)
    except WireError:
        return
    a.activity_problems(activity)  # never raises on what parsed
    assert a.activity_from_wire(a.activity_to_wire(activity)) == activity


@settings(max_examples=200, deadline=None)
@given(_JSON)
def test_any_pulled_session_or_due_parses_or_is_a_wire_error(obj) -> None:
    for read in (w.session_from_wire, w.due_from_wire):
        with contextlib.suppress(WireError):
            read(obj)
