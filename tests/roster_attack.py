"""The attack the NIK roster must withstand, as a test tool: enumerate every plausible
NIK of a prefix and count those the tablet's roster matches (enrolment/roster.py).

Plausible = the sizing model's candidate space: born in 56 consecutive years
(1956–2011, ages 15–70), either sex (day + 40 for women), serial 0001–0100.
"""

from __future__ import annotations

import calendar
import hashlib
import random
import sqlite3
from collections.abc import Iterator
from datetime import date

from enrolment.card_token import b64d
from enrolment.roster import BIRTH_DAYS, CANDIDATES_PER_PREFIX, SERIALS, RosterUnit, keyed_hash

FIRST_YEAR, LAST_YEAR = 1956, 2011


def birth_dates() -> Iterator[date]:
    """Every day of the model's birth years."""
    for year in range(FIRST_YEAR, LAST_YEAR + 1):
        for month in range(1, 13):
            for day in range(1, calendar.monthrange(year, month)[1] + 1):
                yield date(year, month, day)


def date_codes() -> list[str]:
    """`DDMMYY` of every birth date, for men and (day + 40) for women."""
    days = list(birth_dates())
    assert len(days) == BIRTH_DAYS
    return [f"{d.day + plus:02d}{d.month:02d}{d.year % 100:02d}" for plus in (0, 40) for d in days]


DATE_INDEX = {code: i for i, code in enumerate(date_codes())}


def sampled(nik: str, stride: int) -> bool:
    """True if `enumerate_matches(..., stride)` tries this NIK."""
    return DATE_INDEX[nik[6:12]] % stride == 0


def plausible_nik(rng: random.Random, prefix: str) -> tuple[str, date, str]:
    """A random NIK of the candidate space, with the birth date and sex it encodes."""
    born = date.fromordinal(date(FIRST_YEAR, 1, 1).toordinal() + rng.randrange(BIRTH_DAYS))
    sex = rng.choice("MF")
    day = born.day + (40 if sex == "F" else 0)
    serial = rng.randrange(1, SERIALS + 1)
    return f"{prefix}{day:02d}{born.month:02d}{born.year % 100:02d}{serial:04d}", born, sex


def enumerate_matches(
    key: bytes, prefix: str, units: list[RosterUnit], stride: int = 1
) -> tuple[int, int]:
    """`(candidates tried, matches)` over the prefix's CANDIDATES_PER_PREFIX NIKs
    (every `stride`-th birth date only, to sample it).

    HMAC-SHA256 by hand (the padded key's hash states copied per candidate) gives the
    same digest as `hmac.digest` at about a third of the cost.
    """
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    block = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))
    tests = [(u.modulus, u.buckets) for u in units if u.prefix == prefix]
    serials = [f"{n:04d}".encode() for n in range(1, SERIALS + 1)]
    frombytes = int.from_bytes
    matches = seen = 0
    for code in date_codes()[::stride]:
        start = inner.copy()
        start.update((prefix + code).encode())
        for serial in serials:
            h = start.copy()
            h.update(serial)
            o = outer.copy()
            o.update(h.digest())
            value = frombytes(o.digest()[:8], "big")
            if not seen:  # the hand-made HMAC is the roster's own
                assert value == keyed_hash(key, prefix + code + serial.decode())
            seen += 1
            for modulus, buckets in tests:
                if value % modulus in buckets:
                    matches += 1
                    break
    assert stride > 1 or seen == CANDIDATES_PER_PREFIX
    return seen, matches


def read_tablet_roster(
    db: sqlite3.Connection, salt: str | None = None
) -> tuple[bytes, list[RosterUnit]]:
    """The key and units as found in a tablet's database file. An encrypted tablet seals
    its salt: the worst-case attacker also has the officer's PIN, so passes the salt the
    unlocked store shows (`salt`)."""
    if salt is None:
        (salt,) = db.execute("SELECT value FROM settings WHERE key='roster_salt'").fetchone()
    units = []
    for unit_id, prefix, modulus in db.execute("SELECT unit, prefix, modulus FROM roster_units"):
        rows = db.execute("SELECT bucket FROM roster_buckets WHERE unit=?", (unit_id,))
        buckets = frozenset(int(r[0]) for r in rows)
        units.append(RosterUnit(unit_id.split("|")[0], prefix, int(modulus), buckets))
    db.close()
    return b64d(salt), units
