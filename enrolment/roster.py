"""The NIK roster the server shares with tablets: a deliberately lossy filter.

A tablet warns before saving a NIK the server *may* hold already ("mungkin sudah
terdaftar"); the server's NIK check at push is what decides. The roster must never
miss a NIK the server knows in the tablet's area (no false negatives), and must not
let whoever holds the tablet list the members' NIKs back.

Why lossy. The key that builds the roster has to be on the tablet, so its holder
can hash every plausible NIK. NIKs are structured (`PPRRSSDDMMYYNNNN`: regency,
kecamatan of issue, birth date with +40 for women, serial), so a kecamatan's
plausible NIKs are few: `CANDIDATES_PER_PREFIX` ≈ 4.1 million. With 32-bit hashes
nearly every match was a real member (93.7 % of 20,000 NIKs recovered in 18 CPU
seconds). Here each NIK maps to one of only M buckets, M chosen so that among all
plausible NIKs matching the roster at most `MAX_PRECISION` (5 %) are real members:
every member hides among at least 19 strangers who match as well.

The price is false alarms: a new person's NIK matches with probability `fill` (the
share of buckets in use), about N / M for a unit of N members; ~11.5 % for a
kecamatan of 20,000 members. That is a floor, not a tuning slip: hiding N members
among 19·N matches out of C candidates needs a match rate of at least 19·N / C.

Units. Members are grouped by (kecamatan they live in, first 6 NIK digits): each
unit is its own filter, sized against the plausible NIKs of its prefix, and the
same for every tablet whose area holds that kecamatan. A typed NIK is checked
only against the units of its own prefix, so a second kecamatan in a tablet's
area adds its few members of that prefix, not its whole false-alarm rate.

One key, never rotated, and nested moduli (`MODULI`, each a multiple of the next):
two rosters of one unit (two tablets, or one tablet before and after a resize)
are then functions of the finer one and intersect to nothing sharper. Rotating the
key per tablet or per full roster would do the opposite: members match both
rosters, a stranger both only with probability fill², and precision would jump.

Pure functions only: the server builds units (sync_server/services/roster.py),
the tablet stores and checks them (field_app/store.py).
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: The most an attacker enumerating every plausible NIK of a unit's prefix should
#: expect to be real members among the NIKs that match the roster.
MAX_PRECISION = 0.05

#: The attacker's candidate space per 6-digit prefix (regency + kecamatan of issue),
#: as in the reported attack (8.6e7 for Lombok Timur's 21 kecamatan): birth dates over
#: 56 consecutive years (ages 15–70: 20,454 days), either sex, serials 0001–0100.
BIRTH_YEARS = 56
BIRTH_DAYS = 20_454
SERIALS = 100
CANDIDATES_PER_PREFIX = 2 * BIRTH_DAYS * SERIALS  # 4,090,800

#: Bucket counts a unit may use, largest first; each is a multiple of the next, so a
#: roster can always be coarsened (bucket mod a smaller modulus), never refined.
#: 163,840 = 5·2^15 ≈ CANDIDATES_PER_PREFIX / 25: 25 plausible NIKs per bucket.
MODULI: tuple[int, ...] = (*(5 * 2**j for j in range(15, -1, -1)), 1)

_KEC = re.compile(r"^\d{2}\.\d{2}\.\d{2}$")
_PREFIX = re.compile(r"^\d{6}$")
_HEX = re.compile(r"^[0-9a-f]{1,16}$")
_PROBE = re.compile(r"^(\d{6}):([0-9a-f]{16})$")


@dataclass(frozen=True)
class RosterUnit:
    """The buckets of the members living in one kecamatan whose NIKs share a prefix."""

    kecamatan: str  # where they live, dotted: 52.03.07
    prefix: str  # first 6 NIK digits: 520307
    modulus: int  # number of buckets, one of MODULI (or a divisor of one)
    buckets: frozenset[int]

    @property
    def unit_id(self) -> str:
        """`52.03.07|520307`: how the tablet names the unit."""
        return f"{self.kecamatan}|{self.prefix}"


def keyed_hash(key: bytes, nik: str) -> int:
    """First 64 bits of HMAC-SHA256(key, NIK), as an integer."""
    digest = hmac.digest(key, nik.encode("ascii", "ignore"), hashlib.sha256)
    return int.from_bytes(digest[:8], "big")


def roster_hash(key: bytes, nik: str) -> str:
    """The tablet's probe for a typed NIK: its prefix and 64-bit keyed hash,
    `520307:0123456789abcdef`. The roster keeps only `hash mod M` per unit, so the
    probe is compared after reduction (field_app/store.py `in_roster`)."""
    return f"{nik[:6]}:{keyed_hash(key, nik):016x}"


def parse_probe(probe: str) -> tuple[str, int] | None:
    """`(prefix, hash)` from `roster_hash`'s text, or None if it is not one."""
    match = _PROBE.match(probe)
    return (match.group(1), int(match.group(2), 16)) if match else None


def expected_fill(members: int, modulus: int) -> float:
    """Expected share of buckets in use when `members` distinct NIKs fill `modulus`."""
    if members <= 0:
        return 0.0
    if modulus <= 1:
        return 1.0
    return -math.expm1(members * math.log1p(-1.0 / modulus))


def expected_precision(
    members: int, modulus: int, candidates: int = CANDIDATES_PER_PREFIX
) -> float:
    """Expected share of real members among the candidates that match the unit."""
    if members <= 0:
        return 0.0
    strangers = max(candidates - members, 0)
    return members / (members + strangers * expected_fill(members, modulus))


def unit_modulus(
    members: int,
    candidates: int = CANDIDATES_PER_PREFIX,
    max_precision: float = MAX_PRECISION,
) -> int:
    """The largest modulus of `MODULI` keeping `expected_precision` ≤ `max_precision`
    (1, i.e. every NIK of the prefix warns, if none does)."""
    for modulus in MODULI:
        if expected_precision(members, modulus, candidates) <= max_precision:
            return modulus
    return 1


def false_alarm_rate(unit_sizes: Iterable[tuple[int, int]]) -> float:
    """Chance that a NIK unknown to the server still warns, given the `(members,
    modulus)` of the units of its prefix in the tablet's area."""
    miss = 1.0
    for members, modulus in unit_sizes:
        miss *= 1.0 - expected_fill(members, modulus)
    return 1.0 - miss


def build_units(
    key: bytes,
    members: Iterable[tuple[str, str]],
    sizes: Mapping[tuple[str, str], int],
) -> list[RosterUnit]:
    """Units for `(kecamatan, nik)` pairs, each sized by its whole unit's member count
    in `sizes` (`(kecamatan, prefix) -> n`; a delta holds only some of them)."""
    hashes: dict[tuple[str, str], list[int]] = defaultdict(list)
    for kecamatan, nik in members:
        hashes[(kecamatan, nik[:6])].append(keyed_hash(key, nik))
    units = []
    for (kecamatan, prefix), values in sorted(hashes.items()):
        modulus = unit_modulus(max(sizes.get((kecamatan, prefix), 0), len(values)))
        units.append(RosterUnit(kecamatan, prefix, modulus, frozenset(h % modulus for h in values)))
    return units


def encode_unit(unit: RosterUnit) -> str:
    """Wire form: `52.03.07|520307|163840|1a2b,ff0` (buckets in hex, ascending)."""
    buckets = ",".join(f"{b:x}" for b in sorted(unit.buckets))
    return f"{unit.kecamatan}|{unit.prefix}|{unit.modulus}|{buckets}"


def decode_unit(text: str) -> RosterUnit | None:
    """A unit from its wire form; None for anything else (e.g. an older server's hash)."""
    parts = text.split("|")
    if len(parts) != 4:
        return None
    kecamatan, prefix, modulus_text, bucket_text = parts
    if not (_KEC.match(kecamatan) and _PREFIX.match(prefix) and modulus_text.isdigit()):
        return None
    modulus = int(modulus_text)
    if not 1 <= modulus <= MODULI[0]:
        return None
    items = bucket_text.split(",") if bucket_text else []
    if not all(_HEX.match(b) for b in items):
        return None
    buckets = frozenset(int(b, 16) for b in items)
    if any(b >= modulus for b in buckets):
        return None
    return RosterUnit(kecamatan, prefix, modulus, buckets)


def common_modulus(stored: int, received: int) -> int:
    """The modulus a tablet keeps when a delta's differs from its stored one: the
    greatest common divisor (for `MODULI`, the smaller), so both sets of buckets map
    onto it exactly (`bucket % result`) and no known NIK stops warning."""
    return math.gcd(stored, received) or 1
