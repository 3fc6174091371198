"""Programme segments: the groups the regency enrols, with their display names."""

from __future__ import annotations

from enum import StrEnum


class Segment(StrEnum):
    """A group targeted by the programme. Values are stable wire codes."""

    TOBACCO_FARMER = "tobacco_farmer"
    VILLAGE_OFFICIAL = "village_official"
    SECURITY_CADRE = "security_cadre"
    UMKM_OWNER = "umkm_owner"
    CONSTRUCTION_WORKER = "construction_worker"
    POOR_HOUSEHOLD = "poor_household"
    MIGRANT_WORKER = "migrant_worker"


SEGMENT_NAMES: dict[Segment, dict[str, str]] = {
    Segment.TOBACCO_FARMER: {"id": "Petani tembakau", "en": "Tobacco farmer"},
    Segment.VILLAGE_OFFICIAL: {"id": "Perangkat desa", "en": "Village official"},
    Segment.SECURITY_CADRE: {"id": "Kader keamanan / linmas", "en": "Security cadre (linmas)"},
    Segment.UMKM_OWNER: {"id": "Pelaku UMKM", "en": "MSME (UMKM) owner"},
    Segment.CONSTRUCTION_WORKER: {
        "id": "Pekerja proyek konstruksi",
        "en": "Construction-project worker",
    },
    Segment.POOR_HOUSEHOLD: {"id": "Masyarakat miskin", "en": "Poor household member"},
    Segment.MIGRANT_WORKER: {"id": "Pekerja migran", "en": "Migrant worker"},
}


def segment_name(code: str, lang: str = "id") -> str:
    """Display name of a segment code in `lang` (`id` or `en`); the code if unknown."""
    try:
        return SEGMENT_NAMES[Segment(code)][lang]
    except (ValueError, KeyError):
        return code


#: Segments enrolled together with their family (one record per household member).
HOUSEHOLD_SEGMENTS: frozenset[str] = frozenset(
    {Segment.POOR_HOUSEHOLD.value, Segment.MIGRANT_WORKER.value}
)

#: Who usually pays for each segment (the officer may choose another source).
DEFAULT_FUNDING: dict[str, str] = {
    Segment.TOBACCO_FARMER: "dbhcht",
    Segment.VILLAGE_OFFICIAL: "add",
    Segment.SECURITY_CADRE: "add",
    Segment.UMKM_OWNER: "self",
    Segment.CONSTRUCTION_WORKER: "employer",
    Segment.POOR_HOUSEHOLD: "apbd",
    Segment.MIGRANT_WORKER: "self",
}
