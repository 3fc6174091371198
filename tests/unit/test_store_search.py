"""The home search of a file without officers (plaintext) goes through the same
in-memory index as an encrypted one: same answers, kept up to date by saves and by
other connections' writes."""

from __future__ import annotations

from dataclasses import replace

import pytest

from field_app.store import Store
from tests.conftest import person

pytestmark = pytest.mark.own_keys  # plaintext files: no test data key


def names(rows) -> list[str]:
    return [r.record.full_name for r in rows]


def test_plaintext_search_finds_part_of_a_name_in_any_case_and_script(tmp_path):
    store = Store(tmp_path / "t.db")
    store.save_enrolment(person(1, name="Baiq Ṣalihah"))
    store.save_enrolment(person(2, name="Lalu Muhammad"))
    assert not store.protected
    assert names(store.list_enrolments("ṢALI")) == ["Baiq Ṣalihah"]  # not ASCII only
    assert names(store.list_enrolments("muham")) == ["Lalu Muhammad"]
    assert store.list_enrolments("Xyzzy") == []


def test_plaintext_search_sees_a_save_and_an_edit_made_after_the_first_search(tmp_path):
    store = Store(tmp_path / "t.db")
    first = person(1, name="Baiq Salihah")
    store.save_enrolment(first)
    assert names(store.list_enrolments("Salihah")) == ["Baiq Salihah"]
    store.save_enrolment(person(2, name="Salihah Putri"))
    store.save_enrolment(replace(first, full_name="Baiq Rohani", version=2))
    assert names(store.list_enrolments("Salihah")) == ["Salihah Putri"]
    assert names(store.list_enrolments("rohani")) == ["Baiq Rohani"]


def test_plaintext_search_sees_what_another_connection_wrote(tmp_path):
    store, other = Store(tmp_path / "t.db"), Store(tmp_path / "t.db")
    assert store.list_enrolments("Salihah") == []
    other.save_enrolment(person(3, name="Baiq Salihah"))
    assert names(store.list_enrolments("Salihah")) == ["Baiq Salihah"]


def test_plaintext_search_by_nik_prefix_and_with_filters(tmp_path):
    store = Store(tmp_path / "t.db")
    a, b = person(1, name="Baiq Salihah"), person(2, name="Baiq Rohani")
    store.save_enrolments([a, b])
    assert names(store.list_enrolments(a.nik[:8])) and all(
        r.record.nik.startswith(a.nik[:8]) for r in store.list_enrolments(a.nik[:8])
    )
    assert names(store.list_enrolments(a.nik)) == ["Baiq Salihah"]
    assert names(store.list_enrolments("baiq", segment=a.segment, status="pending")) == names(
        store.list_enrolments("baiq")
    )
    assert store.list_enrolments("baiq", segment="no_such_segment") == []


def test_plaintext_search_with_more_hits_than_listed_finds_them_newest_first(tmp_path, monkeypatch):
    monkeypatch.setattr("field_app.store.IN_LIST_MAX", 2)  # the SQL's own search, past it
    store = Store(tmp_path / "t.db")
    for i, stamp in enumerate(
        ["2026-01-01T08:00:00Z", "2026-01-03T08:00:00Z", "2026-01-02T08:00:00Z"]
    ):
        store.save_enrolment(replace(person(i + 1, name=f"Baiq Salihah {i}"), created_at=stamp))
    store.save_enrolment(person(9, name="Lalu Muhammad"))
    assert names(store.list_enrolments("salihah")) == [
        "Baiq Salihah 1",
        "Baiq Salihah 2",
        "Baiq Salihah 0",
    ]
    assert names(store.list_enrolments("salihah", limit=1)) == ["Baiq Salihah 1"]
    assert store.list_enrolments("Xyzzy") == []
