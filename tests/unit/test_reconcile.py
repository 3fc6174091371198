"""Reconciliation digests (enrolment/reconcile.py): equal sets agree, any difference
shows in exactly the buckets it touches, and malformed summaries are refused."""

from __future__ import annotations

import pytest

from enrolment.reconcile import bucket_of, differing, parse_summaries, summarise

KEYS = [(f"cid-{i}", 1 + i % 3) for i in range(500)]


def test_order_does_not_matter_and_equal_sets_agree() -> None:
    assert summarise(KEYS) == summarise(list(reversed(KEYS)))
    assert differing(summarise(KEYS), summarise(KEYS)) == []


def test_a_missing_or_other_version_shows_in_its_bucket_only() -> None:
    mine = summarise(KEYS)
    lost = KEYS[:-1]
    assert differing(mine, summarise(lost)) == [bucket_of(KEYS[-1][0])]
    bumped = [*KEYS[:10], (KEYS[10][0], 99), *KEYS[11:]]
    assert differing(mine, summarise(bumped)) == [bucket_of(KEYS[10][0])]
    assert differing(mine, {}) == sorted(mine)


def test_summaries_survive_the_wire_and_bad_ones_are_refused() -> None:
    mine = summarise(KEYS)
    wire = {b: list(s) for b, s in mine.items()}
    assert parse_summaries(wire) == mine
    for bad in ([], {"0": [1, "0" * 16]}, {"00": [1]}, {"00": [True, "0" * 16]}, {"00": [1, 2]}):
        with pytest.raises(ValueError):
            parse_summaries(bad)
