"""Contribution tables with dates: the table in force on a day, a temporary change
inside a longer table, months computed with the rates of their time, bad files refused."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enrolment.contribution_schedule import (
    OPEN_END,
    OPEN_START,
    Rates,
    RateTable,
    Schedule,
    ScheduleError,
    covers,
    first_gap,
    schedule_from_dict,
    schedule_to_dict,
)
from enrolment.contributions import RATES_FILE, load_schedule, monthly_contribution


def _table(start: str | None, end: str | None, jkk_min: int, jkm: int) -> dict:
    return {
        "from": start,
        "to": end,
        "jkk": {"rate": "0.01", "min": jkk_min, "max": 207000},
        "jkm": {"flat": jkm},
        "jht": {"rate": "0.02"},
    }


# Today's package from 2020, and a (made-up) six-month discount regulation in 2027.
SCHEDULE = schedule_from_dict(
    {
        "tables": [
            _table("2020-01-01", None, 10_000, 6_800),
            _table("2027-01-01", "2027-06-30", 1_000, 680),
            _table("2015-07-01", "2019-12-31", 8_000, 6_000),
        ]
    }
)


def test_the_shipped_file_has_a_table_in_force_today_and_for_years_back() -> None:
    schedule = load_schedule(RATES_FILE)
    assert covers(schedule, date(2015, 1, 1), date.today() + timedelta(days=365))
    assert monthly_contribution(0, schedule.rates_on(date.today())).total == 16_800


def test_a_temporary_table_wins_for_its_period_and_the_base_returns_after() -> None:
    assert SCHEDULE.rates_on(date(2026, 12, 31)).jkm_flat == 6_800
    assert SCHEDULE.rates_on(date(2027, 1, 1)).jkm_flat == 680
    assert SCHEDULE.rates_on(date(2027, 6, 30)).jkm_flat == 680  # `to` is inclusive
    assert SCHEDULE.rates_on(date(2027, 7, 1)).jkm_flat == 6_800


def test_months_use_the_table_in_force_on_their_first_day() -> None:
    past = monthly_contribution(0, SCHEDULE.rates_for_month(2019, 3))
    now = monthly_contribution(0, SCHEDULE.rates_for_month(2026, 12))
    discounted = monthly_contribution(0, SCHEDULE.rates_for_month(2027, 2))
    assert (past.total, now.total, discounted.total) == (14_000, 16_800, 1_680)


def test_a_day_without_a_table_is_an_error_not_a_guess() -> None:
    with pytest.raises(ScheduleError):
        SCHEDULE.rates_on(date(2015, 6, 30))
    assert not covers(SCHEDULE, date(2015, 1, 1), date(2030, 1, 1))
    assert covers(SCHEDULE, date(2015, 7, 1), date(2030, 1, 1))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"tables": []},
        {"tables": "no"},
        [1, 2],
        {"tables": [_table("2027-02-01", "2027-01-01", 1, 1)]},  # ends before it starts
        {"tables": [_table("2027-01-01", None, 1, 1), _table("2027-01-01", "2027-03-01", 1, 1)]},
        {"tables": [_table("1-1-2027", None, 1, 1)]},
        {"tables": [{"from": "2027-01-01", "jkk": {"rate": "x"}}]},
        {"tables": [7]},
    ],
)
def test_unusable_files_are_refused(data) -> None:
    with pytest.raises(ScheduleError):
        schedule_from_dict(data)


@given(
    st.recursive(
        st.none() | st.integers() | st.text(max_size=12),
        lambda c: (
            st.lists(c, max_size=3)
            | st.dictionaries(
                st.sampled_from(
                    ["tables", "from", "to", "jkk", "jkm", "jht", "rate", "min", "max", "flat"]
                ),
                c,
                max_size=4,
            )
        ),
        max_leaves=12,
    )
)
def test_any_json_is_a_schedule_or_a_schedule_error(data) -> None:
    try:
        schedule = schedule_from_dict(json.loads(json.dumps(data)))
    except ScheduleError:
        return
    assert schedule.tables


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2040, 12, 31)))
def test_the_latest_started_table_holding_the_day_is_chosen(day: date) -> None:
    try:
        chosen = SCHEDULE.table_on(day)
    except ScheduleError:
        assert not any(t.holds(day) for t in SCHEDULE.tables)
        return
    assert chosen.holds(day)
    assert all(t.start <= chosen.start for t in SCHEDULE.tables if t.holds(day))


@st.composite
def schedules(draw: st.DrawFn) -> Schedule:
    """Any checked schedule: tables with distinct starts (one open start, maybe), any
    ends at or after their start, rates with up to 6 decimals, whole rupiah."""
    starts = draw(
        st.lists(st.dates(date(2000, 1, 1), date(2040, 1, 1)), min_size=1, max_size=5, unique=True)
    )
    if draw(st.booleans()):
        starts[0] = OPEN_START
    tables = []
    for start in starts:
        end = draw(st.none() | st.dates(max(start, date(2000, 1, 1)), date(2045, 1, 1)))
        rate = st.decimals(min_value=0, max_value=1, places=6)
        low = draw(st.integers(0, 10**6))
        rates = Rates(
            draw(rate), low, draw(st.integers(low, 10**7)), draw(st.integers(0, 10**6)), draw(rate)
        )
        basis = draw(st.text(max_size=20))
        tables.append(RateTable(start, OPEN_END if end is None else end, rates, basis))
    return Schedule(tuple(sorted(tables, key=lambda t: t.start)))


@given(schedules())
def test_a_schedule_reads_back_from_its_file_form(schedule: Schedule) -> None:
    assert schedule_from_dict(json.loads(json.dumps(schedule_to_dict(schedule)))) == schedule


@given(schedules(), st.dates(date(1990, 1, 1), date(2050, 1, 1)))
def test_the_first_gap_is_the_first_day_without_a_table(schedule: Schedule, first: date) -> None:
    last = first + timedelta(days=400)
    gap = first_gap(schedule, first, last)
    if gap is None:
        assert covers(schedule, first, last)
        return
    assert first <= gap <= last and not any(t.holds(gap) for t in schedule.tables)
    day = first  # every day before it has a table (checked day by day, at most 400 days)
    while day < gap:
        assert any(t.holds(day) for t in schedule.tables)
        day += timedelta(days=1)


def test_the_shipped_schedule_has_no_gap_at_all() -> None:
    assert first_gap(load_schedule(RATES_FILE)) is None
    assert first_gap(SCHEDULE) == OPEN_START
