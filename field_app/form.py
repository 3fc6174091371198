"""The enrolment form's state and rules, free of any UI: what the officer typed,
turned into records (one per household member), with errors per field in the
officer's language, and saved as a draft while it is unfinished."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import date
from typing import Any

import flet as ft

from enrolment import areas
from enrolment.contribution_schedule import Rates, Schedule, ScheduleError
from enrolment.contributions import Contribution, load_rates, monthly_contribution
from enrolment.form_warnings import FormWarning
from enrolment.household import validate_members
from enrolment.records import Enrolment, new_client_id
from enrolment.segment_details import conversion_due, fields_for
from enrolment.segments import DEFAULT_FUNDING, HOUSEHOLD_SEGMENTS
from field_app.form_guidance import (
    MEMBER_FIELDS,
    first_error,
    prefill_from_nik,
    record_errors,
    required,
    server_errors,
    warnings_of,
)
from field_app.form_records import form_records, typed_details
from field_app.store import StoredEnrolment, now_iso
from field_app.typed_values import (
    format_date,
    parse_rupiah,
    plain_typed_values,
    typed_text,
)

__all__ = ["MEMBER_FIELDS", "EnrolmentForm", "MemberForm", "format_date", "parse_rupiah"]


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
    prefilled: dict[str, str] = field(default_factory=dict)  # what its NIK filled in
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
    prefilled: dict[str, str] = field(default_factory=dict)  # what the NIK filled in
    errors: dict[str, str] = field(default_factory=dict)
    warning: str = ""  # e.g. the NIK seems known to the server already
    warned: bool = False
    lang: str = "id"  # the language errors were last shown in (re-checks use it)
    focus_key: str = ""  # the field the screen should focus (the first error)
    focus_seq: int = 0  # bumped for each request, so the same field can be asked again
    # The contribution schedule of the last pull (features/enrolment_form.py sets it when
    # the form opens); None: the shipped rates file.
    schedule: Schedule | None = None

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
        if name == "nik":
            self.warning, self.warned = "", False
            prefill_from_nik(self)
        self._recheck(_keys_of(name))

    def _segment_chosen(self, segment: str) -> None:
        if not self.funding or self.funding in DEFAULT_FUNDING.values():
            self.funding = DEFAULT_FUNDING.get(segment, self.funding)
        if segment in HOUSEHOLD_SEGMENTS and not self.relation:
            self.relation = "head"

    def _recheck(self, keys: tuple[str, ...], *, show: bool = False) -> None:
        """Judge the fields behind `keys` again: an error that is gone is cleared at
        once, one still there keeps showing (its text updated); with `show` (the field
        was left) a new error shows too."""
        if not show and not any(k in self.errors for k in keys):
            return
        fresh, _ = self._findings(self.lang, with_consent=False)
        errors = dict(self.errors)
        for key in keys:
            if key in fresh and (show or key in errors):
                errors[key] = fresh[key]
            else:
                errors.pop(key, None)
        if errors != self.errors:
            self.errors = errors

    def leave(self, name: str, lang: str) -> None:
        """The officer left field `name` (a form attribute, `details.<key>` or a plain
        input's attr): show what is wrong with it now."""
        self.lang = lang
        self._recheck(_keys_of(name), show=True)

    def leave_member(self, index: int, name: str, lang: str) -> None:
        """The officer left field `name` of family member `index`."""
        self.lang = lang
        self._recheck_member(index, name, show=True)

    def _recheck_member(self, index: int, name: str, *, show: bool = False) -> None:
        if not 0 <= index < len(self.members):
            return
        member = self.members[index]
        keys = (name, f"household.{name}") + (("birth_date", "sex") if name == "nik" else ())
        if not show and not any(k in member.errors for k in keys):
            return
        _, fresh = self._findings(self.lang, with_consent=False)
        found = fresh[index] if index < len(fresh) else {}
        errors = dict(member.errors)
        for key in keys:
            if key in found and (show or key in errors):
                errors[key] = found[key]
            else:
                errors.pop(key, None)
        member.errors = errors
        self.notify()

    def request_focus(self) -> str:
        """Ask the screen to bring the first field in error into view and focus it;
        returns its key ("" when nothing is wrong)."""
        key = first_error(self.errors, [m.errors for m in self.members], self.segment)
        if key:
            self.focus_key, self.focus_seq = key, self.focus_seq + 1
        return key

    def warnings(self) -> list[FormWarning]:
        """What looks odd but may be right (amber; the officer checks and may go on)."""
        return warnings_of(
            nik=self.nik,
            full_name=self.full_name,
            village_code=self.village_code,
            details=self.details,
            members=[(m.nik, m.full_name) for m in self.members] if self.is_household() else [],
        )

    def warning_texts(self, key: str, lang: str) -> list[str]:
        """The warnings shown under the field with error key `key`."""
        return [w.text(lang) for w in self.warnings() if w.field == key]

    def set_detail(self, key: str, value: str) -> None:
        """Change one segment-specific field."""
        self.details = {**self.details, key: value}
        self._recheck((f"details.{key}",))

    def set_plain(self, attr: str, value: str) -> None:
        """Change one of the fields shown as plain inputs (`enrolment.fields.PLAIN_INPUTS`)."""
        self.plain = {**self.plain, attr: value}
        self._recheck((attr,))

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
        if name == "nik":
            prefill_from_nik(member)
        self._recheck_member(index, name)
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
        return monthly_contribution(income, self.rates(), jht=self.jht)

    def member_contribution(self) -> Contribution:
        """What each family member enrolled alongside pays (no own income declared)."""
        return monthly_contribution(0, self.rates())

    def rates(self, day: date | None = None) -> Rates:
        """The rates of `day`'s month (today's), the table in force on its first day: the
        pulled schedule's, else (none pulled, or no table of it then) the shipped file's."""
        first = (day or date.today()).replace(day=1)
        if self.schedule is not None:
            try:
                return self.schedule.rates_on(first)
            except ScheduleError:
                pass
        return load_rates(day=first)

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
        return typed_details(self.segment, self.details)

    def to_records(self) -> list[Enrolment]:
        """The records this form describes, anchor first (not yet validated)."""
        return form_records(self)

    def check(self, lang: str, *, with_consent: bool = True) -> list[Enrolment] | None:
        """The records if all are valid; otherwise None, with errors set at each field.

        Before the consent step (`with_consent=False`) consent is not yet judged.
        """
        self.lang = lang
        records = self.to_records()
        errors, member_errors = self._findings(lang, with_consent, records)
        self.errors = errors
        for member, found in zip(self.members, member_errors, strict=True):
            member.errors = found
        self.notify()
        return None if errors or any(member_errors) else records

    def _findings(
        self, lang: str, with_consent: bool, records: list[Enrolment] | None = None
    ) -> tuple[dict[str, str], list[dict[str, str]]]:
        """The errors of the anchor by field, and of each member by field."""
        records = records or self.to_records()
        errors, member_errors = record_errors(records, len(self.members), lang, with_consent)
        # The form always asks for income and who pays (older records may lack them).
        if records[0].income is None:
            errors.setdefault("income", required(lang))
        if not records[0].funding:
            errors.setdefault("funding", required(lang))
        if len(records) > 1:
            relations = [r.household.relation if r.household else "" for r in records]
            for i, p in validate_members([r.nik for r in records], relations):
                target = errors if i == 0 else member_errors[i - 1]
                target.setdefault(p.field, p.text(lang))
        return errors, member_errors

    # -- drafts and corrections --------------------------------------------------
    def to_draft(self) -> dict[str, Any]:
        """Everything typed, as JSON-able data (errors and warnings are not kept)."""
        skip = _NOT_KEPT
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out["details"] = dict(self.details)
        out["members"] = [
            {k: v for k, v in asdict(m).items() if k != "errors"} for m in self.members
        ]
        return out

    @classmethod
    def from_draft(cls, payload: dict[str, Any]) -> EnrolmentForm:
        """A form as it was when its draft was saved; unknown keys are ignored."""
        known = {f.name for f in fields(cls)} - _NOT_KEPT - {"members"}
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
                errors=server_errors(m.problems, lang),
            )
            for m in rest
        ]
        form.errors = server_errors(anchor.problems, lang)
        form.lang = lang
        return form


#: What a draft does not keep: the screen's state, not what was typed.
_NOT_KEPT = frozenset({"errors", "warning", "warned", "lang", "focus_key", "focus_seq", "schedule"})

#: The error keys a change of a form attribute may fix (a NIK decides sex and birth date).
_RELATED = {
    "nik": ("nik", "birth_date", "sex"),
    "birth_date": ("birth_date",),
    "kk": ("household.kk",),
    "relation": ("household.relation",),
    "kecamatan": ("village_code",),
}


def _keys_of(name: str) -> tuple[str, ...]:
    return _RELATED.get(name, (name,))
