"""What guides the officer through the form, apart from its state (form.py): the birth
date and sex read from a NIK, each record's errors by field, where the first error sits
on the screen, and the warnings the officer checks and may pass."""

from __future__ import annotations

from typing import Protocol

from enrolment import areas
from enrolment.fields import PLAIN_INPUTS
from enrolment.form_warnings import FormWarning, form_warnings, name_warnings, nik_warnings
from enrolment.nik import birth_year, parse_nik
from enrolment.problems import problem
from enrolment.records import Enrolment, validate
from enrolment.segment_details import fields_for

#: The fields of a family member that are the member's own (the rest is the anchor's).
MEMBER_FIELDS = ("nik", "full_name", "birth_date", "sex", "household.relation")


class Person(Protocol):
    nik: str
    sex: str
    birth_date: str
    prefilled: dict[str, str]


def prefill_from_nik(person: Person) -> None:
    """Fill sex and the birth date (HH-BB-TTTT) from a well-formed NIK: when empty, or
    when they still hold what an earlier NIK filled in (a corrected NIK refills them);
    what the officer typed by hand is never overwritten."""
    facts, _ = parse_nik(person.nik, areas.regency_codes())
    if facts is None:
        return
    read = {
        "sex": facts.sex,
        "birth_date": f"{facts.day:02d}-{facts.month:02d}-{birth_year(facts.year2)}",
    }
    filled = dict(person.prefilled)
    for name, value in read.items():
        now = getattr(person, name)
        if not now or now == filled.get(name):
            setattr(person, name, value)
            filled[name] = value
    person.prefilled = filled


def record_errors(
    records: list[Enrolment], n_members: int, lang: str, with_consent: bool
) -> tuple[dict[str, str], list[dict[str, str]]]:
    """Each record's own problems: the anchor's by field, each of the form's `n_members`
    members' by its fields (members of a segment enrolled alone have no record)."""
    errors: dict[str, str] = {}
    member_errors: list[dict[str, str]] = [{} for _ in range(n_members)]
    for i, record in enumerate(records):
        for p in validate(record):
            if p.field == "consent" and not with_consent:
                continue
            if i == 0:
                errors.setdefault(p.field, p.text(lang))
            elif p.field in MEMBER_FIELDS:
                member_errors[i - 1].setdefault(p.field, p.text(lang))
    return errors, member_errors


def server_errors(problems: list[dict[str, str]], lang: str) -> dict[str, str]:
    return {p.get("field", "record"): p.get(lang) or p.get("id", "") for p in problems}


def required(lang: str) -> str:
    return problem("", "required").text(lang)


def screen_order(segment: str, n_members: int) -> list[str]:
    """The form's error keys in the order the screen shows them, top to bottom;
    a member's fields are `members.<index>.<field>`."""
    head = ["record", "consent", "nik", "full_name", "birth_date", "sex", "village_code"]
    plain = [spec.attr for spec in PLAIN_INPUTS]
    details = [f"details.{spec.key}" for spec in fields_for(segment)]
    members = [f"members.{i}.{name}" for i in range(n_members) for name in MEMBER_FIELDS]
    return [
        *head,
        "phone",
        *plain,
        "segment",
        *details,
        "household.kk",
        "household.relation",
        *members,
        "income",
        "funding",
    ]


def first_error(errors: dict[str, str], member_errors: list[dict[str, str]], segment: str) -> str:
    """The key of the error highest on the screen ("" when there is none)."""
    found = set(errors) | {
        f"members.{i}.{name}" for i, errs in enumerate(member_errors) for name in errs
    }
    for key in screen_order(segment, len(member_errors)):
        if key in found:
            return key
    return min(found) if found else ""


def warnings_of(
    *,
    nik: str,
    full_name: str,
    village_code: str,
    details: dict[str, str],
    members: list[tuple[str, str]],
) -> list[FormWarning]:
    """The anchor's warnings, then each family member's (NIK and name)."""
    found = form_warnings(nik=nik, full_name=full_name, village_code=village_code, details=details)
    for i, (m_nik, m_name) in enumerate(members):
        for w in [*nik_warnings(m_nik, village_code), *name_warnings(m_name)]:
            found.append(FormWarning(f"members.{i}.{w.field}", w.code, w.params))
    return found
