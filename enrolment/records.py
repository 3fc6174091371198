"""The enrolment record: what a field officer collects about one person.

A record is identified by a client-generated id (`client_id`, a UUID made on the
tablet) and a `version` that grows when the officer edits a record the server may
already hold, so `(device, client_id, version)` names one immutable submission.
"""

from __future__ import annotations

import base64
import math
import re
import secrets
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from enrolment import areas
from enrolment.contributions import FUNDING_SOURCES
from enrolment.fields import PLAIN_INPUTS
from enrolment.household import Household, validate_household
from enrolment.messages import text
from enrolment.nik import check_nik_against, normalise_nik, parse_nik
from enrolment.problems import Problem, problem
from enrolment.segment_details import validate_details
from enrolment.segments import HOUSEHOLD_SEGMENTS, Segment
from enrolment.text_rules import find_bad_character

CONSENT_METHODS = ("ticked", "read_aloud")
MAX_INCOME = 1_000_000_000
MAX_PLAIN_TEXT = 100  # a plain text input's longest value (problem text_too_long says so)
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
    """Every problem with a record, field by field. Empty means it may be saved and sent.

    Characters come first: a field with a control, invisible or unencodable character
    is reported as `bad_characters` only, and the field's other rules are not reported.
    """
    found = character_problems(record)
    flagged = {p.field for p in found}
    return found + [p for p in _field_problems(record, today) if p.field not in flagged]


def _field_problems(record: Enrolment, today: date | None) -> list[Problem]:
    """The rules of each field, once its characters are known to be acceptable."""
    today = today or datetime.now(UTC).date()
    problems = _name_problems(record)
    birth, birth_problems = _birth_problems(record, today)
    problems += birth_problems
    sex = record.sex if record.sex in ("M", "F") else None
    if sex is None:
        problems.append(problem("sex", "sex_invalid" if record.sex else "required"))
    facts, nik_problems = parse_nik(record.nik, areas.regency_codes())
    problems.extend(nik_problems)
    if facts is not None:
        problems.extend(check_nik_against(facts, birth, sex))
    problems += _place_and_contact_problems(record)
    consent = record.consent
    if not (consent.given and consent.method in CONSENT_METHODS and consent.at):
        problems.append(problem("consent", "consent_missing"))
    problems.extend(_programme_problems(record, today))
    problems.extend(_plain_problems(record))
    return problems


def _plain_problems(record: Enrolment) -> list[Problem]:
    """The rules of the fields the form shows as plain inputs (`fields.PLAIN_INPUTS`):
    free text of at most 100 characters (phone and money kinds have their own rules)."""
    problems = []
    for spec in PLAIN_INPUTS:
        value = getattr(record, spec.attr)
        if spec.kind == "text" and isinstance(value, str) and len(value) > MAX_PLAIN_TEXT:
            problems.append(problem(spec.attr, "text_too_long"))
    return problems


def _name_problems(record: Enrolment) -> list[Problem]:
    name = normalise_name(record.full_name)
    if not name:
        return [problem("full_name", "required")]
    if not 2 <= len(name) <= 100:
        return [problem("full_name", "name_invalid")]
    return []


def _birth_problems(record: Enrolment, today: date) -> tuple[date | None, list[Problem]]:
    """The birth date if it can be used to check the NIK, and its problems."""
    if not record.birth_date:
        return None, [problem("birth_date", "required")]
    birth = parse_birth_date(record.birth_date)
    if birth is None:
        return None, [problem("birth_date", "birth_date_invalid")]
    if birth > today:
        return None, [problem("birth_date", "birth_date_future")]
    if birth < today - timedelta(days=120 * 366):
        return birth, [problem("birth_date", "birth_date_too_old")]
    return birth, []


def _place_and_contact_problems(record: Enrolment) -> list[Problem]:
    problems: list[Problem] = []
    if not record.village_code:
        problems.append(problem("village_code", "required"))
    elif not areas.is_home_village(record.village_code):
        problems.append(problem("village_code", "village_unknown"))
    phone = record.phone.replace(" ", "").replace("-", "")
    if phone and not _PHONE.match(phone):
        problems.append(problem("phone", "phone_invalid"))
    if record.segment not in _SEGMENT_CODES:
        problems.append(problem("segment", "segment_unknown"))
    return problems


_SEGMENT_CODES = frozenset(s.value for s in Segment)


# Every text of the wire record but the segment details: (problem field, label id,
# label en, accessor). All are names or codes, so checked strictly (see text_rules).
# Fields the form does not show (cid, created_at) report on "record", consent parts on
# "consent": the tablet shows a problem where its field name puts it.
_TEXTS: tuple[tuple[str, str, str, Callable[[Enrolment], str]], ...] = (
    ("record", "Kode data (cid)", "The record id (cid)", lambda r: r.client_id),
    ("nik", "NIK", "The NIK", lambda r: r.nik),
    ("full_name", "Nama", "The name", lambda r: r.full_name),
    ("birth_date", "Tanggal lahir", "The birth date", lambda r: r.birth_date),
    ("sex", "Jenis kelamin", "The sex", lambda r: r.sex),
    ("village_code", "Kode desa", "The village code", lambda r: r.village_code),
    ("phone", "Nomor HP", "The phone number", lambda r: r.phone),
    ("segment", "Segmen", "The segment", lambda r: r.segment),
    ("consent", "Nama yang menyetujui", "The consenting person's name", lambda r: r.consent.by),
    ("consent", "Cara persetujuan", "The consent method", lambda r: r.consent.method),
    ("consent", "Waktu persetujuan", "The consent time", lambda r: r.consent.at),
    ("record", "Waktu pendaftaran", "The enrolment time", lambda r: r.created_at),
    ("funding", "Sumber dana iuran", "Who pays", lambda r: r.funding),
)
_HOUSEHOLD_TEXTS: tuple[tuple[str, str, str, Callable[[Household], str]], ...] = (
    ("household.kk", "Nomor KK", "The family card (KK) number", lambda h: h.kk),
    ("household.relation", "Hubungan keluarga", "The family relation", lambda h: h.relation),
    ("household.head", "Data kepala rumah tangga", "The household anchor", lambda h: h.head),
)


def character_problems(record: Enrolment) -> list[Problem]:
    """A `bad_characters` problem for each text of the record that carries a character
    no database, reply or export can take safely (see `enrolment.text_rules`); also a
    `number_invalid` one for each detail that is an infinite or NaN number.

    Never echoes the text: the message names the field, the character as `U+XXXX`
    and its position, so the reply is plain ASCII there whatever was sent.
    """
    if _all_printable_ascii(record):
        return _number_problems(record)  # the usual case, told by one check in C
    return each_text_problems(record)


def each_text_problems(record: Enrolment) -> list[Problem]:
    """`character_problems` the long way, text by text (what its fast path must equal)."""
    found: list[Problem] = []
    for fld, what_id, what_en, get in _TEXTS:
        found += _text_problem(fld, what_id, what_en, get(record), strict=True)
    if record.household is not None:
        for fld, what_id, what_en, get in _HOUSEHOLD_TEXTS:
            found += _text_problem(fld, what_id, what_en, get(record.household), strict=True)
    for key, value in (record.details or {}).items():
        found += _detail_problems(key, value)
    for spec in PLAIN_INPUTS:
        what_id, what_en = text(spec.attr, "id"), text(spec.attr, "en")
        value = getattr(record, spec.attr)
        found += _text_problem(spec.attr, what_id, what_en, value, strict=False)
    return _first_per_field(found)


def _all_printable_ascii(record: Enrolment) -> bool:
    """True if every text of the record is printable ASCII, which both the strict and
    the plain rule allow: then no text has a bad character, whatever its field."""
    parts = [get(record) for _, _, _, get in _TEXTS]
    if record.household is not None:
        parts += [get(record.household) for _, _, _, get in _HOUSEHOLD_TEXTS]
    for key, value in (record.details or {}).items():
        parts += [key, value]
    parts += [getattr(record, spec.attr) for spec in PLAIN_INPUTS]
    joined = "".join(p for p in parts if isinstance(p, str))
    return joined.isascii() and joined.isprintable()


def _number_problems(record: Enrolment) -> list[Problem]:
    """The `number_invalid` problems of details that are infinite or NaN numbers."""
    found = [
        problem(
            f"details.{k}",
            "number_invalid",
            what_id=f"Data segmen {k}",
            what_en=f"Segment field {k}",
        )
        for k, v in (record.details or {}).items()
        if isinstance(v, float) and not math.isfinite(v)
    ]
    return _first_per_field(found)


def _detail_problems(key: Any, value: Any) -> list[Problem]:
    """Problems with one segment detail: its key (a code, strict) and its value (free text)."""
    name = key if isinstance(key, str) else ""
    key_problem = _text_problem("record", "Nama data segmen", "A segment field's name", name)
    if key_problem:
        return key_problem  # the key cannot name the field: report on the record
    fld, what_id, what_en = f"details.{key}", f"Data segmen {key}", f"Segment field {key}"
    if isinstance(value, float) and not math.isfinite(value):
        return [problem(fld, "number_invalid", what_id=what_id, what_en=what_en)]
    if isinstance(value, str):
        return _text_problem(fld, what_id, what_en, value, strict=False)
    return []


def _text_problem(
    fld: str, what_id: str, what_en: str, text: Any, *, strict: bool = True
) -> list[Problem]:
    """[bad_characters problem] if `text` is a string with a forbidden character, else []."""
    if not isinstance(text, str):
        return []
    bad = find_bad_character(text, strict=strict)
    if bad is None:
        return []
    where = {"char": bad.label, "pos": bad.position}
    return [problem(fld, "bad_characters", what_id=what_id, what_en=what_en, **where)]


def _first_per_field(found: list[Problem]) -> list[Problem]:
    """One problem per field (the first): several bad parts of consent make one message."""
    seen: set[str] = set()
    out = []
    for p in found:
        if p.field not in seen:
            seen.add(p.field)
            out.append(p)
    return out


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
