"""The enrolment record: what a field officer collects about one person.

A record is identified by a client-generated id (`client_id`, a UUID made on the
tablet) and a `version` that grows when the officer edits a record the server may
already hold, so `(device, client_id, version)` names one immutable submission.
"""

from __future__ import annotations

import base64
import re
import secrets
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from enrolment import areas
from enrolment.contributions import FUNDING_SOURCES
from enrolment.household import Household, validate_household
from enrolment.nik import check_nik_against, normalise_nik, parse_nik
from enrolment.problems import Problem, problem
from enrolment.segment_details import validate_details
from enrolment.segments import HOUSEHOLD_SEGMENTS, Segment

CONSENT_METHODS = ("ticked", "read_aloud")
MAX_INCOME = 1_000_000_000
_PHONE = re.compile(r"^(\+62|0)?[0-9]{8,14}$")


@dataclass(frozen=True)
class Consent:
    """Who agreed to the processing of their data (UU PDP 27/2022), when and how."""

    given: bool
    by: str = ""  # the consenting person's name
    method: str = "ticked"  # ticked by the person, or read aloud by the officer
    at: str = ""  # ISO 8601 timestamp, UTC


@dataclass(frozen=True)
class Enrolment:
    """One person's enrolment as entered on a tablet."""

    client_id: str
    version: int
    nik: str
    full_name: str
    birth_date: str  # ISO date, YYYY-MM-DD
    sex: str  # "M" or "F"
    village_code: str  # e.g. "52.03.07.2001"
    phone: str
    segment: str
    consent: Consent
    created_at: str = field(default="")
    # Added in app version 2; None means "sent by an older app" (see validate()).
    details: dict[str, Any] | None = None  # segment-specific fields (segment_details)
    income: int | None = None  # declared monthly income, rupiah
    funding: str = ""  # who pays the contribution: a key of FUNDING_SOURCES
    jht: bool = False  # also saves for old age (JHT)
    household: Household | None = None  # family block of poor/migrant households

    def is_household_anchor(self) -> bool:
        """True unless this record is a family member enrolled alongside someone else."""
        return self.household is None or self.household.head == self.client_id


def new_client_id() -> str:
    """A record id made on the tablet: 96 random bits, 16 characters (short on the wire)."""
    return base64.urlsafe_b64encode(secrets.token_bytes(12)).decode("ascii")


def normalise_name(name: str) -> str:
    """Name as stored: single spaces, trimmed, NFC. Case is kept as typed."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def same_name(a: str, b: str) -> bool:
    """True if two names are the same once case and spacing are ignored."""
    return normalise_name(a).casefold() == normalise_name(b).casefold()


def parse_birth_date(value: str) -> date | None:
    """The ISO birth date, or None if it is not a real date."""
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def validate(record: Enrolment, today: date | None = None) -> list[Problem]:
    """Every problem with a record, field by field. Empty means it may be saved and sent."""
    today = today or datetime.now(UTC).date()
    problems: list[Problem] = []

    name = normalise_name(record.full_name)
    if not name:
        problems.append(problem("full_name", "required"))
    elif not 2 <= len(name) <= 100:
        problems.append(problem("full_name", "name_invalid"))

    birth = None
    if not record.birth_date:
        problems.append(problem("birth_date", "required"))
    else:
        birth = parse_birth_date(record.birth_date)
        if birth is None:
            problems.append(problem("birth_date", "birth_date_invalid"))
        elif birth > today:
            problems.append(problem("birth_date", "birth_date_future"))
            birth = None
        elif birth < today - timedelta(days=120 * 366):
            problems.append(problem("birth_date", "birth_date_too_old"))

    sex = record.sex if record.sex in ("M", "F") else None
    if sex is None:
        problems.append(problem("sex", "sex_invalid" if record.sex else "required"))

    facts, nik_problems = parse_nik(record.nik, areas.regency_codes())
    problems.extend(nik_problems)
    if facts is not None:
        problems.extend(check_nik_against(facts, birth, sex))

    if not record.village_code:
        problems.append(problem("village_code", "required"))
    elif not areas.is_home_village(record.village_code):
        problems.append(problem("village_code", "village_unknown"))

    phone = record.phone.replace(" ", "").replace("-", "")
    if phone and not _PHONE.match(phone):
        problems.append(problem("phone", "phone_invalid"))

    if record.segment not in {s.value for s in Segment}:
        problems.append(problem("segment", "segment_unknown"))

    consent = record.consent
    if not (consent.given and consent.method in CONSENT_METHODS and consent.at):
        problems.append(problem("consent", "consent_missing"))
    problems.extend(_programme_problems(record, today))
    return problems


def _programme_problems(record: Enrolment, today: date) -> list[Problem]:
    """Rules for the fields added in app version 2 (details, income, funding, household).

    A record without `details` comes from an older app and is judged on identity
    alone, so records queued on tablets before the upgrade are still accepted.
    Segment details describe the enrolled worker: family members enrolled with an
    anchor record carry only the household block.
    """
    problems: list[Problem] = []
    if record.income is not None and not (
        isinstance(record.income, int) and 0 <= record.income <= MAX_INCOME
    ):
        problems.append(problem("income", "income_invalid"))
    if record.funding and record.funding not in FUNDING_SOURCES:
        problems.append(problem("funding", "funding_unknown"))
    if record.household is not None:
        if record.segment not in HOUSEHOLD_SEGMENTS:
            problems.append(problem("household.kk", "household_segment"))
        problems.extend(validate_household(record.household))
    if record.details is None:
        return problems
    if record.segment in HOUSEHOLD_SEGMENTS and record.household is None:
        problems.append(problem("household.kk", "household_required"))
    if record.is_household_anchor():
        problems.extend(validate_details(record.segment, record.details, today))
    return problems


def cleaned(record: Enrolment) -> Enrolment:
    """The record with NIK, name, phone, KK and text details in their stored form."""
    from dataclasses import replace

    details = record.details
    if details is not None:
        details = {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in details.items()}
    household = record.household
    if household is not None:
        household = replace(household, kk=normalise_nik(household.kk))
    return replace(
        record,
        nik=normalise_nik(record.nik),
        full_name=normalise_name(record.full_name),
        phone=record.phone.replace(" ", "").replace("-", ""),
        details=details,
        household=household,
    )
