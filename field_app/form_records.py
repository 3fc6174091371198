"""The records an enrolment form describes (`field_app.form`): its typed values turned
into `Enrolment`s, one per household member, anchor first."""

from __future__ import annotations

from typing import Any

from enrolment.household import Household
from enrolment.nik import normalise_nik
from enrolment.records import Consent, Enrolment, cleaned
from enrolment.segment_details import fields_for
from field_app.store import now_iso
from field_app.typed_values import (
    parse_hectares,
    parse_rupiah,
    parse_typed_date,
    plain_record_values,
)


def typed_details(segment: str, as_typed: dict[str, str]) -> dict[str, Any]:
    """The segment's detail values as a record holds them (dates, hectares, rupiah)."""
    out: dict[str, Any] = {}
    for spec in fields_for(segment):
        typed = str(as_typed.get(spec.key, "")).strip()
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


def _consent(form: Any) -> Consent:
    return Consent(
        given=form.consent,
        by=(form.consent_by or form.full_name).strip(),
        method=form.consent_method,
        at=form.consent_at if form.consent else "",
    )


def form_records(form: Any) -> list[Enrolment]:
    """The records this form describes, anchor first (not yet validated)."""
    created = form.created_at or now_iso()
    household = form.is_household()
    consent = _consent(form)
    anchor = Enrolment(
        client_id=form.client_id,
        version=form.version + 1,
        nik=normalise_nik(form.nik),
        full_name=form.full_name,
        birth_date=parse_typed_date(form.birth_date),
        sex=form.sex,
        village_code=form.village_code,
        phone=form.phone,
        segment=form.segment,
        consent=consent,
        created_at=created,
        details=typed_details(form.segment, form.details),
        income=parse_rupiah(form.income),
        funding=form.funding,
        jht=form.jht,
        household=Household(form.kk, form.relation, form.client_id) if household else None,
        **plain_record_values(form.plain),
    )
    records = [cleaned(anchor)]
    if not household:
        return records
    for m in form.members:
        member = Enrolment(
            client_id=m.client_id,
            version=m.version + 1,
            nik=normalise_nik(m.nik),
            full_name=m.full_name,
            birth_date=parse_typed_date(m.birth_date),
            sex=m.sex,
            village_code=form.village_code,
            phone="",
            segment=form.segment,
            # The adult who consented does so for the family (children included).
            consent=consent,
            created_at=m.created_at or created,
            details={},
            income=0,
            funding=form.funding,
            household=Household(form.kk, m.relation, form.client_id),
        )
        records.append(cleaned(member))
    return records
