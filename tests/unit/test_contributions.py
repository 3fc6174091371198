"""The contribution calculator at its bounds, with the rates read from the data file."""

from __future__ import annotations

import json

import pytest

from enrolment.contributions import (
    RATES_FILE,
    format_rupiah,
    load_rates,
    monthly_contribution,
    rates_from_dict,
)

RATES = load_rates()


@pytest.mark.parametrize(
    "income,jkk",
    [
        (0, 10_000),  # floor
        (500_000, 10_000),
        (1_000_000, 10_000),  # 1 % is exactly the floor
        (1_500_000, 15_000),
        (1_234_567, 12_346),  # half up to whole rupiah
        (20_700_000, 207_000),  # 1 % is exactly the cap
        (50_000_000, 207_000),
    ],
)
def test_jkk_is_one_percent_between_floor_and_cap(income, jkk):
    assert monthly_contribution(income, RATES).jkk == jkk


@pytest.mark.parametrize("income", [0, 1_000_000, 20_700_000, 99_000_000])
def test_jkm_is_always_flat_and_jht_only_when_chosen(income):
    c = monthly_contribution(income, RATES)
    assert c.jkm == 6_800 and c.jht == 0
    assert c.total == c.jkk + 6_800


def test_jht_is_two_percent_of_income_when_chosen():
    c = monthly_contribution(2_000_000, RATES, jht=True)
    assert (c.jkk, c.jkm, c.jht, c.total) == (20_000, 6_800, 40_000, 66_800)
    assert monthly_contribution(0, RATES, jht=True).jht == 0


def test_the_numbers_come_from_the_data_file_not_the_code(tmp_path):
    data = json.loads(RATES_FILE.read_text())
    (table,) = data["tables"]
    table["jkm"]["flat"] = 7_000
    table["jkk"]["max"] = 100_000
    changed = rates_from_dict(table)
    assert monthly_contribution(50_000_000, changed).jkk == 100_000
    assert monthly_contribution(0, changed).jkm == 7_000
    path = tmp_path / "rates.json"
    path.write_text(json.dumps(data))
    assert load_rates(path).jkm_flat == 7_000
    path.write_text(json.dumps(table))  # a single table of the older form: always in force
    assert load_rates(path.rename(tmp_path / "old.json")).jkm_flat == 7_000


def test_negative_income_counts_as_none_and_rupiah_format():
    assert monthly_contribution(-5, RATES).jkk == 10_000
    assert format_rupiah(1_234_567) == "Rp 1.234.567"
