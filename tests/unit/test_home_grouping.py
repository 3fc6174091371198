"""Home lists a household's records together, its head first (features/home_list.grouped)."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from enrolment.household import Household
from field_app.features.home_list import grouped
from field_app.store import StoredEnrolment
from tests.conftest import person

KK = "5203071708850001"


def _stored(serial: int, household: Household | None = None) -> StoredEnrolment:
    record = person(serial, client_id=f"c{serial}")
    if household is not None:
        record = replace(record, household=household)
    return StoredEnrolment(record, "pending", None, None, [], "2026-11-25T03:00:00Z")


def _names(groups: list[list[StoredEnrolment]]) -> list[list[str]]:
    return [[item.record.client_id for item in group] for group in groups]


def test_household_members_come_together_under_the_head() -> None:
    # Newest first, as the store lists them: the anchor (a spouse, enrolled first) is
    # last; someone of no household was enrolled between two of the family.
    anchor = "c1"
    rows = [
        _stored(4, Household(KK, "child", anchor)),
        _stored(9),
        _stored(3, Household(KK, "head", anchor)),
        _stored(2, Household(KK, "child", anchor)),
        _stored(1, Household(KK, "spouse", anchor)),
    ]
    assert _names(grouped(rows)) == [["c3", "c1", "c2", "c4"], ["c9"]]


def test_without_a_head_on_the_list_the_anchor_leads() -> None:
    rows = [_stored(2, Household(KK, "child", "c1")), _stored(1, Household(KK, "spouse", "c1"))]
    assert _names(grouped(rows)) == [["c1", "c2"]]


@given(st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["head", "child", "spouse"]))))
def test_every_record_is_listed_once(spec: list[tuple[int, str]]) -> None:
    rows = [
        _stored(i + 10, Household(KK, rel, f"c{100 + fam}") if fam else None)
        for i, (fam, rel) in enumerate(spec)
    ]
    groups = grouped(rows)
    flat = [item.record.client_id for group in groups for item in group]
    assert sorted(flat) == sorted(r.record.client_id for r in rows)
    for group in groups:
        household = group[0].record.household
        if household is not None and any(i.record.household.relation == "head" for i in group):
            assert household.relation == "head"
