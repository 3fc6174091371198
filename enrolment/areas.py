"""Official area codes (Kepmendagri 300.2.2-2138/2025) loaded from `assets/wilayah`.

Codes use the dotted official form: regency `52.03`, kecamatan `52.03.07`,
village `52.03.07.2001`. NIKs carry the same digits without dots.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
WILAYAH_DIR = ASSETS_DIR / "wilayah"

#: The regency this programme runs in (Kabupaten Lombok Timur).
HOME_REGENCY = "52.03"


@dataclass(frozen=True)
class Area:
    """One administrative area: a code and its official name."""

    code: str
    name: str


def _read_codes(path: Path) -> list[Area]:
    with path.open(encoding="utf-8", newline="") as f:
        return [Area(row["kode"], row["nama"]) for row in csv.DictReader(f)]


@cache
def regency_codes() -> frozenset[str]:
    """Every regency/city code of Indonesia as 4 digits (`5203`), for NIK checks."""
    return frozenset(
        a.code.replace(".", "")
        for a in _read_codes(WILAYAH_DIR / "regencies.csv")
        if a.code.count(".") == 1
    )


@cache
def home_areas() -> tuple[Area, ...]:
    """All kecamatan and villages of the home regency, in file order."""
    return tuple(_read_codes(WILAYAH_DIR / "lombok_timur.csv"))


def kecamatan() -> list[Area]:
    """The kecamatan of the home regency, sorted by name."""
    return sorted((a for a in home_areas() if a.code.count(".") == 2), key=lambda a: a.name)


def villages(kecamatan_code: str) -> list[Area]:
    """The desa/kelurahan of one kecamatan, sorted by name."""
    prefix = kecamatan_code + "."
    return sorted(
        (a for a in home_areas() if a.code.startswith(prefix) and a.code.count(".") == 3),
        key=lambda a: a.name,
    )


@cache
def _names() -> dict[str, str]:
    return {a.code: a.name for a in home_areas()}


def is_home_village(code: str) -> bool:
    """True if `code` is a desa/kelurahan of the home regency."""
    return code.count(".") == 3 and code in _names()


def area_name(code: str) -> str:
    """The official name of a home-regency area code, or the code itself if unknown."""
    return _names().get(code, code)


def village_label(code: str) -> str:
    """`Desa, Kecamatan` for display (cards, lists, the verification page)."""
    kec = code.rsplit(".", 1)[0]
    return f"{area_name(code)}, {area_name(kec)}"
