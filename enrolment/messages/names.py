"""Names of the domain's stable codes: family relations (`relation_<code>`, see
`enrolment.household.RELATIONS`) and who pays (`funding_<code>`, see
`enrolment.contributions.FUNDING_SOURCES`). Segment names stay in their schema,
`enrolment.segments.SegmentSpec`; they are in the catalogue too, as `segment_<code>`,
derived from the schema (one definition)."""

from __future__ import annotations

from enrolment.segments import SEGMENTS

NAMES: dict[str, dict[str, str]] = {
    # Relation to the head of the family, as on the KK.
    "relation_head": {"id": "Kepala keluarga", "en": "Head of family"},
    "relation_spouse": {"id": "Istri/Suami", "en": "Spouse"},
    "relation_child": {"id": "Anak", "en": "Child"},
    "relation_parent": {"id": "Orang tua", "en": "Parent"},
    "relation_other": {"id": "Famili lain", "en": "Other relative"},
    # Who pays the contribution.
    "funding_self": {"id": "Mandiri (peserta sendiri)", "en": "Self-paid"},
    "funding_add": {"id": "Alokasi Dana Desa (ADD)", "en": "Village budget (ADD)"},
    "funding_dbhcht": {"id": "DBHCHT (cukai tembakau)", "en": "Tobacco excise fund (DBHCHT)"},
    "funding_apbd": {"id": "APBD Kabupaten", "en": "Regency budget (APBD)"},
    "funding_employer": {"id": "Pemberi kerja", "en": "Employer"},
}

#: The segments' names, from their schema.
SEGMENT_NAMES: dict[str, dict[str, str]] = {
    f"segment_{spec.code.value}": dict(spec.names) for spec in SEGMENTS
}
