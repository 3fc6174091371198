"""Warnings the officer checks and may pass (enrolment/form_warnings.py), the NIK's
century, and the form's guidance: checks on leaving a field, errors cleared when right,
the first error, and birth date and sex refilled from a corrected NIK."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from enrolment.form_warnings import form_warnings, name_warnings, nik_warnings, season_warnings
from enrolment.nik import birth_year
from field_app.form import EnrolmentForm

# 52.03.07 is Selong; 52.03.07.2001 one of its villages (assets/wilayah/lombok_timur.csv).
SELONG_NIK = "5203074508900001"


def codes(found) -> list[str]:
    return [w.code for w in found]


def test_a_plain_home_nik_and_name_warn_of_nothing():
    assert form_warnings(nik=SELONG_NIK, full_name="Baiq Nurul Aini") == []
    assert name_warnings("Lalu Muh. Ja'far Al-Amin") == []
    assert name_warnings("Zoë Ñúñez") == []  # accented letters are letters


def test_nik_from_outside_lombok_timur():
    assert codes(nik_warnings("3201074508900001")) == ["fw_nik_outside"]
    assert "3201" in nik_warnings("3201074508900001")[0].text("id")


def test_unknown_kecamatan_code_and_serial_zero():
    assert codes(nik_warnings("5203994508900000")) == [
        "fw_nik_kecamatan_unknown",
        "fw_nik_serial_zero",
    ]


def test_nik_kecamatan_other_than_the_village_s():
    from enrolment import areas

    other = next(a for a in areas.kecamatan() if a.code != "52.03.07")
    village = areas.villages(other.code)[0].code
    found = nik_warnings(SELONG_NIK, village)
    assert codes(found) == ["fw_nik_other_kecamatan"]
    assert "Selong" in found[0].text("id") and other.name in found[0].text("id")
    assert nik_warnings(SELONG_NIK, areas.villages("52.03.07")[0].code) == []


def test_names_with_digits_or_symbols():
    assert codes(name_warnings("Siti 2")) == ["fw_name_characters"]
    assert codes(name_warnings("Ahmad@")) == ["fw_name_characters"]
    assert "2" in name_warnings("Siti 2")[0].text("en")


def test_a_season_far_in_the_past():
    today = date(2026, 12, 2)
    assert codes(season_warnings("2019", today)) == ["fw_season_old"]
    assert season_warnings("2025/2026", today) == []
    assert season_warnings("kemarau", today) == []
    found = form_warnings(nik="", full_name="A", details={"season": "2001"}, today=today)
    assert [w.field for w in found] == ["details.season"]


def test_the_nik_century_is_the_latest_year_not_to_come():
    today = date(2026, 12, 2)
    assert birth_year(30, today) == 1930
    assert birth_year(26, today) == 2026
    assert birth_year(0, today) == 2000
    assert birth_year(99, today) == 1999


@given(nik=st.text(max_size=40), name=st.text(max_size=80), village=st.text(max_size=20))
def test_any_text_never_raises(nik, name, village):
    for w in form_warnings(nik=nik, full_name=name, village_code=village, details={"season": name}):
        assert w.text("id") and w.text("en")


@given(digits=st.text("0123456789", min_size=16, max_size=16))
def test_any_sixteen_digits_never_raise(digits):
    for w in nik_warnings(digits, "52.03.07.2001"):
        assert w.field == "nik"


def test_leaving_a_field_shows_its_error_and_fixing_it_clears_it():
    form = EnrolmentForm()
    form.leave("full_name", "id")
    assert "full_name" in form.errors
    assert "nik" not in form.errors  # fields not yet left stay quiet
    form.set("full_name", "Siti Aminah")
    assert "full_name" not in form.errors


def test_an_error_stays_while_the_field_is_still_wrong():
    form = EnrolmentForm()
    form.set("nik", "52030745")
    form.leave("nik", "id")
    first = form.errors["nik"]
    form.set("nik", "520307450")
    assert form.errors.get("nik")  # still too short: the error stays
    form.set("nik", SELONG_NIK)
    assert "nik" not in form.errors and first


def test_the_first_error_is_the_highest_on_screen():
    form = EnrolmentForm(full_name="Siti")
    assert form.check("id", with_consent=False) is None
    assert form.request_focus() == "nik"
    seq = form.focus_seq
    form.set("nik", SELONG_NIK)
    form.check("id", with_consent=False)
    assert form.request_focus() == "village_code"
    assert form.focus_seq == seq + 1


def test_a_corrected_nik_refills_what_the_old_one_filled():
    form = EnrolmentForm()
    form.set("nik", SELONG_NIK)  # a woman born 05-08-1990
    assert (form.sex, form.birth_date) == ("F", "05-08-1990")
    form.set("nik", "5203071203300002")  # a man born 12-03-1930
    assert (form.sex, form.birth_date) == ("M", "12-03-1930")
    form.set("birth_date", "13-03-1930")  # typed by hand: kept
    form.set("nik", SELONG_NIK)
    assert (form.sex, form.birth_date) == ("F", "13-03-1930")


def test_a_member_s_nik_refills_too():
    form = EnrolmentForm(segment="poor_household")
    form.add_member()
    form.set_member(0, "nik", SELONG_NIK)
    form.set_member(0, "nik", "5203071203300002")
    assert (form.members[0].sex, form.members[0].birth_date) == ("M", "12-03-1930")


def test_the_birth_mismatch_spells_the_nik_date_out():
    form = EnrolmentForm(nik="5203071203300002", full_name="Amaq Sahnan", birth_date="12-03-1931")
    form.check("id", with_consent=False)
    assert "NIK menunjukkan lahir 12-03-1930" in form.errors["birth_date"]


def test_warnings_do_not_block_and_are_found_per_field():
    form = EnrolmentForm(nik="3201074508900001", full_name="Siti 2")
    keys = {w.field for w in form.warnings()}
    assert keys == {"nik", "full_name"}
    assert form.warning_texts("full_name", "id")
