"""The enrolment form's state and rules, free of any UI: what the officer typed,
turned into a record, with errors per field in the officer's language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import flet as ft

from enrolment import areas
from enrolment.nik import normalise_nik, parse_nik
from enrolment.records import Consent, Enrolment, cleaned, new_client_id, validate
from field_app.store import now_iso

_DMY = re.compile(r"^\s*(\d{1,2})[-/. ](\d{1,2})[-/. ](\d{4})\s*$")


def parse_typed_date(text: str) -> str:
    """`HH-BB-TTTT` (as Indonesians write dates) or ISO to ISO; anything else unchanged."""
    m = _DMY.match(text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        try:
            return date(year, month, day).isoformat()
        except ValueError:
            return text.strip()
    return text.strip()


def format_date(iso: str) -> str:
    """ISO date to `HH-BB-TTTT` for display."""
    try:
        d = date.fromisoformat(iso)
    except ValueError:
        return iso
    return f"{d.day:02d}-{d.month:02d}-{d.year}"


@ft.observable
@dataclass
class EnrolmentForm:
    """What is typed into the enrolment form, and the errors found in it."""

    nik: str = ""
    full_name: str = ""
    birth_date: str = ""  # as typed, HH-BB-TTTT
    sex: str = ""
    kecamatan: str = ""
    village_code: str = ""
    phone: str = ""
    segment: str = ""
    consent: bool = False
    consent_method: str = "ticked"
    errors: dict[str, str] = field(default_factory=dict)
    warning: str = ""  # e.g. the NIK seems known to the server already
    warned: bool = False
    # Set when correcting an existing record: it keeps its id and gets a new version.
    client_id: str = ""
    version: int = 0
    created_at: str = ""

    def set(self, name: str, value: object) -> None:
        """Change one field; clears that field's error. Picking a kecamatan resets the desa."""
        setattr(self, name, value)
        if name == "kecamatan":
            self.village_code = ""
        if name in self.errors:
            self.errors = {k: v for k, v in self.errors.items() if k != name}
        if name == "nik":
            self.warning, self.warned = "", False
            self._prefill_from_nik()

    def _prefill_from_nik(self) -> None:
        """Fill sex and the birth date from a well-formed NIK when still empty."""
        facts, _ = parse_nik(self.nik, areas.regency_codes())
        if facts is None:
            return
        if not self.sex:
            self.sex = facts.sex
        if not self.birth_date:
            this_year = date.today().year % 100
            century = 2000 if facts.year2 <= this_year else 1900
            self.birth_date = f"{facts.day:02d}-{facts.month:02d}-{century + facts.year2}"

    def villages(self) -> list[areas.Area]:
        """The desa of the chosen kecamatan."""
        return areas.villages(self.kecamatan) if self.kecamatan else []

    def to_record(self) -> Enrolment:
        """The record this form describes (not yet validated)."""
        return cleaned(
            Enrolment(
                client_id=self.client_id or new_client_id(),
                version=self.version + 1 if self.client_id else 1,
                nik=normalise_nik(self.nik),
                full_name=self.full_name,
                birth_date=parse_typed_date(self.birth_date),
                sex=self.sex,
                village_code=self.village_code,
                phone=self.phone,
                segment=self.segment,
                consent=Consent(
                    given=self.consent,
                    by=self.full_name.strip(),
                    method=self.consent_method,
                    at=now_iso() if self.consent else "",
                ),
                created_at=self.created_at or now_iso(),
            )
        )

    def check(self, lang: str) -> Enrolment | None:
        """The record if it is valid; otherwise None, with `errors` set per field."""
        record = self.to_record()
        problems = validate(record)
        errors: dict[str, str] = {}
        for p in problems:
            errors.setdefault(p.field, p.text(lang))
        self.errors = errors
        return None if problems else record

    @classmethod
    def for_correction(
        cls, record: Enrolment, problems: list[dict[str, str]], lang: str
    ) -> EnrolmentForm:
        """A form holding a record the server returned, with the server's reasons shown."""
        form = cls(
            nik=record.nik,
            full_name=record.full_name,
            birth_date=format_date(record.birth_date),
            sex=record.sex,
            kecamatan=record.village_code.rsplit(".", 1)[0],
            village_code=record.village_code,
            phone=record.phone,
            segment=record.segment,
            consent=record.consent.given,
            consent_method=record.consent.method or "ticked",
            client_id=record.client_id,
            version=record.version,
            created_at=record.created_at,
        )
        form.errors = {p.get("field", "record"): p.get(lang) or p.get("id", "") for p in problems}
        return form
