"""Programme segments: the one schema of the groups the regency enrols.

Each segment is one `SegmentSpec` in `SEGMENTS`: its wire code, display names, the
letter that stands for it on a card, who usually pays, whether the family is enrolled
with it, the segment-specific fields it records, and whether `assets/targets.json`
holds a target for it. The older maps (`SEGMENT_NAMES`, `HOUSEHOLD_SEGMENTS`,
`DEFAULT_FUNDING`, `SEGMENT_FIELDS`, `CARD_LETTERS`) are derived from it, so a new
segment is one entry here (plus its target line, if it has one) and cannot be
half-added: tests/unit/test_segment_schema.py checks every projection.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Segment(StrEnum):
    """A group targeted by the programme. Values are stable wire codes (kept equal to
    the codes of `SEGMENTS` by tests/unit/test_segment_schema.py)."""

    TOBACCO_FARMER = "tobacco_farmer"
    VILLAGE_OFFICIAL = "village_official"
    SECURITY_CADRE = "security_cadre"
    UMKM_OWNER = "umkm_owner"
    CONSTRUCTION_WORKER = "construction_worker"
    POOR_HOUSEHOLD = "poor_household"
    MIGRANT_WORKER = "migrant_worker"


@dataclass(frozen=True)
class DetailField:
    """One segment-specific field: its key in `details`, its kind, and whether it is required.

    Kinds: `text`, `date` (ISO, not in the future), `area` (hectares), `money`
    (start-up cash in rupiah), `choice` (one of `choices`), `village` (home-regency
    village code), `nib` (13-digit business licence number). Rules:
    `enrolment.segment_details.validate_details`.
    """

    key: str
    kind: str
    required: bool = True
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class SegmentSpec:
    """Everything the system knows about one segment, in one place."""

    code: Segment
    names: dict[str, str]  # {"id": …, "en": …}
    card_letter: str  # one letter in the card token's payload (enrolment/card_token.py)
    default_funding: str  # a key of enrolment.contributions.FUNDING_SOURCES
    household: bool  # enrolled together with the family, one record per member
    details: tuple[DetailField, ...]  # what it records beyond identity
    has_target: bool  # assets/targets.json "segments" holds its target


#: The kinds a DetailField may have (each has a rule in `segment_details._check`).
DETAIL_KINDS = ("text", "date", "area", "money", "choice", "village", "nib")
BUSINESS_TYPES = ("food", "craft", "trade", "service", "farming", "fishery", "other")
MIGRATION_PHASES = ("before", "during", "after")

_OFFICIAL = (
    DetailField("position", "text"),
    DetailField("office_village", "village"),
    DetailField("sk_number", "text"),
    DetailField("sk_date", "date"),
)

SEGMENTS: tuple[SegmentSpec, ...] = (
    SegmentSpec(
        Segment.TOBACCO_FARMER,
        {"id": "Petani tembakau", "en": "Tobacco farmer"},
        card_letter="t",
        default_funding="dbhcht",
        household=False,
        details=(
            DetailField("farmer_group", "text"),
            DetailField("land_ha", "area"),
            DetailField("season", "text"),
        ),
        has_target=True,
    ),
    SegmentSpec(
        Segment.VILLAGE_OFFICIAL,
        {"id": "Perangkat desa", "en": "Village official"},
        card_letter="o",
        default_funding="add",
        household=False,
        details=_OFFICIAL,
        has_target=False,
    ),
    SegmentSpec(
        Segment.SECURITY_CADRE,
        {"id": "Kader keamanan / linmas", "en": "Security cadre (linmas)"},
        card_letter="k",
        default_funding="add",
        household=False,
        details=_OFFICIAL,
        has_target=False,
    ),
    SegmentSpec(
        Segment.UMKM_OWNER,
        {"id": "Pelaku UMKM", "en": "MSME (UMKM) owner"},
        card_letter="u",
        default_funding="self",
        household=False,
        details=(
            DetailField("business_name", "text"),
            DetailField("business_type", "choice", choices=BUSINESS_TYPES),
            DetailField("nib", "nib", required=False),
            DetailField("startup_cash", "money"),
            DetailField("cash_date", "date"),
        ),
        has_target=True,
    ),
    SegmentSpec(
        Segment.CONSTRUCTION_WORKER,
        {"id": "Pekerja proyek konstruksi", "en": "Construction-project worker"},
        card_letter="c",
        default_funding="employer",
        household=False,
        details=(
            DetailField("project", "text"),
            DetailField("contractor", "text"),
            DetailField("spk_date", "date"),
        ),
        has_target=False,
    ),
    SegmentSpec(
        Segment.POOR_HOUSEHOLD,
        {"id": "Masyarakat miskin", "en": "Poor household member"},
        card_letter="p",
        default_funding="apbd",
        household=True,
        details=(),
        has_target=False,
    ),
    SegmentSpec(
        Segment.MIGRANT_WORKER,
        {"id": "Pekerja migran", "en": "Migrant worker"},
        card_letter="m",
        default_funding="self",
        household=True,
        details=(
            DetailField("destination", "text"),
            DetailField("phase", "choice", choices=MIGRATION_PHASES),
        ),
        has_target=False,
    ),
)

#: The spec of each segment by its code.
SPECS: dict[str, SegmentSpec] = {spec.code.value: spec for spec in SEGMENTS}

# The projections older code imports, derived so they can never disagree.
SEGMENT_NAMES: dict[Segment, dict[str, str]] = {spec.code: spec.names for spec in SEGMENTS}

#: Segments enrolled together with their family (one record per household member).
HOUSEHOLD_SEGMENTS: frozenset[str] = frozenset(s.code.value for s in SEGMENTS if s.household)

#: Who usually pays for each segment (the officer may choose another source).
DEFAULT_FUNDING: dict[str, str] = {spec.code: spec.default_funding for spec in SEGMENTS}

#: The detail fields of each segment (`enrolment.segment_details` validates them).
SEGMENT_FIELDS: dict[str, tuple[DetailField, ...]] = {spec.code: spec.details for spec in SEGMENTS}

#: The letter of each segment on a card, and back.
CARD_LETTERS: dict[str, str] = {spec.code.value: spec.card_letter for spec in SEGMENTS}
LETTER_SEGMENTS: dict[str, str] = {spec.card_letter: spec.code.value for spec in SEGMENTS}

#: Segments with a coverage target in assets/targets.json.
TARGETED_SEGMENTS: tuple[str, ...] = tuple(s.code.value for s in SEGMENTS if s.has_target)


def segment_name(code: str, lang: str = "id") -> str:
    """Display name of a segment code in `lang` (`id` or `en`); the code if unknown."""
    spec = SPECS.get(code)
    return spec.names.get(lang, code) if spec is not None else code
