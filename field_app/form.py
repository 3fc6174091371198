"""The enrolment form's state and rules, free of any UI: what the officer typed,
turned into records (one per household member), with errors per field in the
officer's language, and saved as a draft while it is unfinished."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

import flet as ft

from enrolment import areas
from enrolment.contributions import Contribution, load_rates, monthly_contribution
from enrolment.household import Household, validate_members
from enrolment.nik import normalise_nik, parse_nik
from enrolment.problems import problem
from enrolment.records import Consent, Enrolment, cleaned, new_client_id, validate
from enrolment.segment_details import conversion_due, fields_for
from enrolment.segments import DEFAULT_FUNDING, HOUSEHOLD_SEGMENTS
from field_app.store import StoredEnrolment, now_iso
from field_app.typed_values import (
    format_date,
    parse_hectares,
    parse_rupiah,
    parse_typed_date,
    plain_record_values,
    plain_typed_values,
    typed_text,
)

__all__ = ["MEMBER_FIELDS", "EnrolmentForm", "MemberForm", "format_date", "parse_rupiah"]

#: The fields of a family member that are the member's own (the rest is the anchor's).
MEMBER_FIELDS = ("nik", "full_name", "birth_date", "sex", "household.relation")


def prefill_from_nik(person: EnrolmentForm | MemberForm) -> None:
    """Fill sex and the birth date (HH-BB-TTTT) from a well-formed NIK when still empty."""
    facts, _ = parse_nik(person.nik, areas.regency_codes())
    if facts is None:
        return
    this_year = date.today().year % 100
    century = 2000 if facts.year2 <= this_year else 1900
    person.sex = person.sex or facts.sex
    person.birth_date = (
        person.birth_date or f"{facts.day:02d}-{facts.month:02d}-{century + facts.year2}"
    )


@dataclass
class MemberForm:
    """One family member enrolled with the anchor person (a household segment)."""

    client_id: str = field(default_factory=new_client_id)
    version: int = 0  # the stored version; 0 while never saved
    nik: str = ""
    full_name: str = ""
    birth_date: str = ""  # as typed, HH-BB-TTTT
    sex: str = ""
    relation: str = ""
    created_at: str = ""
    errors: dict[str, str] = field(default_factory=dict)


@ft.observable
@dataclass
class EnrolmentForm:
    """What is typed into the enrolment form, and the errors found in it."""

    # The record's id exists from the first keystroke: the draft and the saved record
    # share it, and household members can name their anchor before anything is saved.
    client_id: str = field(default_factory=new_client_id)
    version: int = 0  # the stored version being corrected; 0 for a new enrolment
    created_at: str = ""
    nik: str = ""
    full_name: str = ""
    birth_date: str = ""  # as typed, HH-BB-TTTT
    sex: str = ""
    kecamatan: str = ""
    village_code: str = ""
    phone: str = ""
    segment: str = ""
    details: dict[str, str] = field(default_factory=dict)  # as typed, by detail key
    income: str = ""  # as typed, rupiah
    funding: str = ""
    jht: bool = False
    kk: str = ""
    relation: str = ""  # the anchor's relation to the head of the family
    members: list[MemberForm] = field(default_factory=list)
    plain: dict[str, str] = field(default_factory=dict)  # as typed, by attr (PLAIN_INPUTS)
    consent: bool = False
    consent_method: str = "ticked"
    consent_by: str = ""
    consent_at: str = ""
    errors: dict[str, str] = field(default_factory=dict)
    warning: str = ""  # e.g. the NIK seems known to the server already
    warned: bool = False

    # -- editing -------------------------------------------------------------
    def set(self, name: str, value: object) -> None:
        """Change one field; clears that field's error, and applies the form's helpers:
        a kecamatan resets the desa, a NIK fills sex and birth date, a segment proposes
        its usual funding source, ticking consent records when."""
        setattr(self, name, value)
        if name == "kecamatan":
            self.village_code = ""
        if name == "village_code" and value and not self.details.get("office_village"):
            # A village official usually serves in the village they live in.
            self.details = {**self.details, "office_village": str(value)}
        if name == "segment":
            self._segment_chosen(str(value))
        if name == "consent":
            self.consent_at = now_iso() if value else ""
        self._clear_error(name)
        if name in ("kk", "relation"):
            self._clear_error(f"household.{name}")
        if name == "nik":
            self.warning, self.warned = "", False
            prefill_from_nik(self)

    def _segment_chosen(self, segment: str) -> None:
        if not self.funding or self.funding in DEFAULT_FUNDING.values():
            self.funding = DEFAULT_FUNDING.get(segment, self.funding)
        if segment in HOUSEHOLD_SEGMENTS and not self.relation:
            self.relation = "head"

    def _clear_error(self, name: str) -> None:
        if name in self.errors:
            self.errors = {k: v for k, v in self.errors.items() if k != name}

    def set_detail(self, key: str, value: str) -> None:
        """Change one segment-specific field."""
        self.details = {**self.details, key: value}
        self._clear_error(f"details.{key}")

    def set_plain(self, attr: str, value: str) -> None:
        """Change one of the fields shown as plain inputs (`enrolment.fields.PLAIN_INPUTS`)."""
        self.plain = {**self.plain, attr: value}
        self._clear_error(attr)

    def add_member(self) -> None:
        """Add an empty family member row."""
        self.members = [*self.members, MemberForm(created_at=self.created_at)]

    def remove_member(self, index: int) -> None:
        """Remove a family member not yet saved (saved members stay enrolled)."""
        if 0 <= index < len(self.members) and self.members[index].version == 0:
            self.members = [m for i, m in enumerate(self.members) if i != index]

    def set_member(self, index: int, name: str, value: str) -> None:
        """Change one field of family member `index`; a NIK fills sex and birth date."""
        member = self.members[index]
        setattr(member, name, value)
        member.errors = {
            k: v for k, v in member.errors.items() if k not in (name, f"household.{name}")
        }
        if name == "nik":
            prefill_from_nik(member)
        # Members are plain dataclasses: tell the form's subscribers something changed.
        self.notify()

    # -- what the form describes -----------------------------------------------
    def villages(self) -> list[areas.Area]:
        """The desa of the chosen kecamatan."""
        return areas.villages(self.kecamatan) if self.kecamatan else []

    def is_household(self) -> bool:
        """True when the chosen segment is enrolled with the family."""
        return self.segment in HOUSEHOLD_SEGMENTS

    def income_value(self) -> int | None:
        """The declared monthly income in rupiah (None blank, -1 not a number)."""
        return parse_rupiah(self.income)

    def contribution(self) -> Contribution | None:
        """The monthly contribution the declared income implies (None until typed)."""
        income = self.income_value()
        if income is None or income < 0:
            return None
        return monthly_contribution(income, load_rates(), jht=self.jht)

    def member_contribution(self) -> Contribution:
        """What each family member enrolled alongside pays (no own income declared)."""
        return monthly_contribution(0, load_rates())

    def conversion_due(self) -> date | None:
        """For an UMKM owner: when the subsidised year ends and paid membership is due."""
        return conversion_due(self._details_for_record())

    def has_content(self) -> bool:
        """True once anything identifying was typed (an empty form is no draft)."""
        return any((self.nik, self.full_name, self.kk, self.members, self.income)) or any(
            v for v in self.details.values()
        )

    def title(self) -> str:
        """How the draft is named on the home screen."""
        return self.full_name.strip() or self.nik.strip() or "—"

    def _details_for_record(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for spec in fields_for(self.segment):
            typed = str(self.details.get(spec.key, "")).strip()
            if not typed:
                continue
            if spec.kind == "date":
                out[spec.key] = parse_typed_date(typed)
            elif spec.kind == "area":
                out[spec.key] = parse_hectares(typed)
            elif spec.kind == "money":
                amount = parse_rupiah(typed)
                out[spec.key] = amount if amount is not None else typed
            elif spec.kind == "nib":
                out[spec.key] = typed.replace(" ", "")
            else:
                out[spec.key] = typed
        return out

    def _consent(self) -> Consent:
        return Consent(
            given=self.consent,
            by=(self.consent_by or self.full_name).strip(),
            method=self.consent_method,
            at=self.consent_at if self.consent else "",
        )

    def to_records(self) -> list[Enrolment]:
        """The records this form describes, anchor first (not yet validated)."""
        created = self.created_at or now_iso()
        household = self.is_household()
        consent = self._consent()
        anchor = Enrolment(
            client_id=self.client_id,
            version=self.version + 1,
            nik=normalise_nik(self.nik),
            full_name=self.full_name,
            birth_date=parse_typed_date(self.birth_date),
            sex=self.sex,
            village_code=self.village_code,
            phone=self.phone,
            segment=self.segment,
            consent=consent,
            created_at=created,
            details=self._details_for_record(),
            income=self.income_value(),
            funding=self.funding,
            jht=self.jht,
            household=Household(self.kk, self.relation, self.client_id) if household else None,
            **plain_record_values(self.plain),
        )
        records = [cleaned(anchor)]
        if not household:
            return records
        for m in self.members:
            member = Enrolment(
                client_id=m.client_id,
                version=m.version + 1,
                nik=normalise_nik(m.nik),
                full_name=m.full_name,
                birth_date=parse_typed_date(m.birth_date),
                sex=m.sex,
                village_code=self.village_code,
                phone="",
                segment=self.segment,
                # The adult who consented does so for the family (children included).
                consent=consent,
                created_at=m.created_at or created,
                details={},
                income=0,
                funding=self.funding,
                household=Household(self.kk, m.relation, self.client_id),
            )
            records.append(cleaned(member))
        return records

    def check(self, lang: str, *, with_consent: bool = True) -> list[Enrolment] | None:
        """The records if all are valid; otherwise None, with errors set at each field.

        Before the consent step (`with_consent=False`) consent is not yet judged.
        """
        records = self.to_records()
        errors, member_errors = _record_errors(records, len(self.members), lang, with_consent)
        # The form always asks for income and who pays (older records may lack them).
        if records[0].income is None:
            errors.setdefault("income", _required(lang))
        if not records[0].funding:
            errors.setdefault("funding", _required(lang))
        if len(records) > 1:
            relations = [r.household.relation if r.household else "" for r in records]
            for i, p in validate_members([r.nik for r in records], relations):
                target = errors if i == 0 else member_errors[i - 1]
                target.setdefault(p.field, p.text(lang))
        self.errors = errors
        for member, found in zip(self.members, member_errors, strict=True):
            member.errors = found
        self.notify()
        return None if errors or any(member_errors) else records

    # -- drafts and corrections --------------------------------------------------
    def to_draft(self) -> dict[str, Any]:
        """Everything typed, as JSON-able data (errors and warnings are not kept)."""
        skip = {"errors", "warning", "warned"}
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out["details"] = dict(self.details)
        out["members"] = [
            {k: v for k, v in asdict(m).items() if k != "errors"} for m in self.members
        ]
        return out

    @classmethod
    def from_draft(cls, payload: dict[str, Any]) -> EnrolmentForm:
        """A form as it was when its draft was saved; unknown keys are ignored."""
        known = {f.name for f in fields(cls)} - {"errors", "warning", "warned", "members"}
        form = cls(**{k: v for k, v in payload.items() if k in known})
        member_keys = {f.name for f in fields(MemberForm)} - {"errors"}
        form.members = [
            MemberForm(**{k: v for k, v in m.items() if k in member_keys})
            for m in payload.get("members", [])
        ]
        return form

    @classmethod
    def for_correction(cls, items: list[StoredEnrolment], lang: str) -> EnrolmentForm:
        """A form holding stored records (a person, or a whole household, anchor first),
        with the server's reasons for returning them shown at the fields."""
        anchor, rest = items[0], items[1:]
        rec = anchor.record
        kinds = {spec.key: spec.kind for spec in fields_for(rec.segment)}
        details = {k: typed_text(v, kinds.get(k, "")) for k, v in (rec.details or {}).items()}
        form = cls(
            client_id=rec.client_id,
            version=rec.version,
            created_at=rec.created_at,
            nik=rec.nik,
            full_name=rec.full_name,
            birth_date=format_date(rec.birth_date),
            sex=rec.sex,
            kecamatan=rec.village_code.rsplit(".", 1)[0],
            village_code=rec.village_code,
            phone=rec.phone,
            segment=rec.segment,
            details=details,
            income="" if rec.income is None else str(rec.income),
            # Records from before app version 2 name no funder: propose the usual one.
            funding=rec.funding or DEFAULT_FUNDING.get(rec.segment, ""),
            jht=rec.jht,
            kk=rec.household.kk if rec.household else "",
            relation=rec.household.relation if rec.household else "",
            # Consent is asked again: a corrected record is a new statement.
            consent_method=rec.consent.method or "ticked",
            consent_by=rec.consent.by,
            plain=plain_typed_values(rec),
        )
        form.members = [
            MemberForm(
                client_id=m.record.client_id,
                version=m.record.version,
                nik=m.record.nik,
                full_name=m.record.full_name,
                birth_date=format_date(m.record.birth_date),
                sex=m.record.sex,
                relation=m.record.household.relation if m.record.household else "",
                created_at=m.record.created_at,
                errors=_server_errors(m.problems, lang),
            )
            for m in rest
        ]
        form.errors = _server_errors(anchor.problems, lang)
        return form


def _record_errors(
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


def _server_errors(problems: list[dict[str, str]], lang: str) -> dict[str, str]:
    return {p.get("field", "record"): p.get(lang) or p.get("id", "") for p in problems}


def _required(lang: str) -> str:
    return problem("", "required").text(lang)
