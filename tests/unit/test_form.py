"""The enrolment form without a UI: typed text to records, errors, drafts, households."""

from __future__ import annotations

from datetime import date, timedelta

from enrolment.contribution_schedule import RateTable, Schedule, schedule_from_dict
from field_app.form import EnrolmentForm, parse_rupiah
from tests.conftest import nik_for


def filled(segment: str = "tobacco_farmer") -> EnrolmentForm:
    form = EnrolmentForm()
    form.set("nik", nik_for(1, year=1980))
    form.set("full_name", "Lalu Uji")
    form.set("kecamatan", "52.03.07")
    form.set("village_code", "52.03.07.1001")
    form.set("segment", segment)
    form.set("income", "1.500.000")
    return form


def test_nik_fills_sex_and_birth_date_and_segment_proposes_funding():
    form = filled()
    assert (form.sex, form.birth_date, form.funding) == ("M", "17-08-1980", "dbhcht")


def test_missing_details_and_income_are_shown_at_their_fields():
    form = filled()
    form.set("income", "")
    assert form.check("id", with_consent=False) is None
    assert form.errors["details.farmer_group"] == "Wajib diisi."
    assert form.errors["income"] == "Wajib diisi."
    assert "consent" not in form.errors


def test_typed_details_become_typed_values_and_consent_is_recorded():
    form = filled()
    form.set_detail("farmer_group", "Poktan  Maju")
    form.set_detail("land_ha", "0,75")
    form.set_detail("season", "2026")
    assert form.check("id") is None and "consent" in form.errors
    form.set("consent", True)
    form.set("consent_method", "read_aloud")
    [rec] = form.check("id")
    assert rec.details == {"farmer_group": "Poktan Maju", "land_ha": 0.75, "season": "2026"}
    assert rec.income == 1_500_000 and rec.funding == "dbhcht"
    assert rec.consent.method == "read_aloud" and rec.consent.at and rec.consent.by == "Lalu Uji"


def test_household_of_three_makes_three_records_sharing_the_anchor():
    form = filled("poor_household")
    form.set("kk", "5203071203150007")
    form.set("consent", True)
    for n, (serial, rel) in enumerate([(2, "spouse"), (3, "child")]):
        form.add_member()
        form.set_member(n, "nik", nik_for(serial, year=1985 + n * 20, female=(rel == "spouse")))
        form.set_member(n, "full_name", f"Anggota {serial}")
        form.set_member(n, "relation", rel)
    records = form.check("id")
    assert records is not None and len(records) == 3
    assert {r.household.head for r in records} == {form.client_id}
    assert [r.household.relation for r in records] == ["head", "spouse", "child"]
    assert len({r.client_id for r in records}) == 3


def test_household_members_with_the_same_nik_are_refused():
    form = filled("poor_household")
    form.set("kk", "5203071203150007")
    form.add_member()
    form.set_member(0, "nik", form.nik)
    form.set_member(0, "full_name", "Kembar")
    form.set_member(0, "relation", "child")
    assert form.check("id", with_consent=False) is None
    assert "nik" in form.members[0].errors


def test_draft_round_trip_keeps_everything_typed():
    form = filled("poor_household")
    form.set_detail("x", "y")
    form.add_member()
    form.set_member(0, "full_name", "Anak")
    again = EnrolmentForm.from_draft(form.to_draft())
    assert again.to_draft() == form.to_draft()
    assert again.members[0].full_name == "Anak"


def test_rupiah_parsing():
    assert parse_rupiah("Rp 1.500.000") == 1_500_000
    assert parse_rupiah("") is None and parse_rupiah("sejuta") == -1


def _discount_today() -> Schedule:
    today = date.today()
    rates = {"jkk": {"rate": "0.005", "min": 5000, "max": 207000}, "jkm": {"flat": 3400}}
    return schedule_from_dict(
        {
            "tables": [
                {**rates, "from": None, "to": None, "jht": {"rate": "0.02"}, "jkm": {"flat": 6800}},
                {
                    **rates,
                    "from": today.replace(day=1).isoformat(),  # a month: from its first day
                    "to": (today + timedelta(days=1)).isoformat(),
                    "jht": {"rate": "0.02"},
                },
            ]
        }
    )


def test_the_estimate_uses_the_pulled_schedule_for_today_else_the_shipped_file():
    form = filled()
    assert form.contribution().total == 15_000 + 6_800  # the shipped file
    form.schedule = _discount_today()
    due = form.contribution()
    assert (due.jkk, due.jkm, due.jht) == (7_500, 3_400, 0)
    assert form.member_contribution().total == 5_000 + 3_400
    assert "schedule" not in form.to_draft()  # the tables come from the store, not drafts


def test_a_month_takes_the_table_in_force_on_its_first_day():
    """A table starting on the 15th applies from the next month (a month is billed whole)."""
    old, new = _discount_today().tables
    form = filled()
    form.schedule = Schedule(
        (
            RateTable(old.start, date(2027, 3, 14), old.rates),
            RateTable(date(2027, 3, 15), date(2099, 12, 31), new.rates),
        )
    )
    assert form.rates(date(2027, 3, 20)) == old.rates
    assert form.rates(date(2027, 4, 1)) == new.rates


def test_a_pulled_schedule_without_a_table_today_falls_back_to_the_shipped_file():
    last_month = date.today().replace(day=1) - timedelta(days=1)  # ended before this month
    past = RateTable(date(2001, 1, 1), last_month, _discount_today().tables[1].rates)
    form = filled()
    form.schedule = Schedule((past,))
    assert form.contribution().total == 15_000 + 6_800
