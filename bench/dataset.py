"""Realistic enrolments for Kabupaten Lombok Timur, reproducible from a seed."""

from __future__ import annotations

import base64
import random
from datetime import date, timedelta

from enrolment import areas
from enrolment.records import Consent, Enrolment
from enrolment.segments import Segment

FIRST_M = [
    "Lalu",
    "Muhammad",
    "Ahmad",
    "Zaenal",
    "Rahmat",
    "Sahnan",
    "Abdul",
    "Hasan",
    "Imran",
    "Junaidi",
    "Mahsun",
    "Nasrullah",
    "Saparudin",
    "Syamsul",
    "Wardi",
]
FIRST_F = [
    "Baiq",
    "Siti",
    "Nurul",
    "Sri",
    "Hairunnisa",
    "Rohani",
    "Marni",
    "Halimah",
    "Inaq",
    "Sumiati",
    "Rabiah",
    "Husnul",
    "Fatimah",
    "Aminah",
    "Zohriah",
]
LAST = [
    "Hidayat",
    "Rahman",
    "Hakim",
    "Saputra",
    "Wahyuni",
    "Maulana",
    "Kurniawan",
    "Fitriani",
    "Hamdani",
    "Suryani",
    "Ramdhani",
    "Jayadi",
    "Ilham",
    "Susanti",
    "Murni",
    "Azhari",
]
SEGMENTS = [s.value for s in Segment]
SEGMENT_WEIGHTS = [17, 3, 2, 73, 8, 20, 10]


def _client_id(rng: random.Random) -> str:
    """A tablet's record id (as `new_client_id`: 96 bits, 16 characters), from `rng`."""
    return base64.urlsafe_b64encode(rng.randbytes(12)).decode("ascii")


def people(n: int, *, seed: int = 2026, repeat_share: float = 0.03) -> list[Enrolment]:
    """`n` enrolments; about `repeat_share` of them re-enrol a NIK already in the list
    (the same person met again, as happens when two officers visit one village)."""
    rng = random.Random(seed)
    # Client ids from their own stream, so the same seed gives the same batches (bench.ingest
    # compares two commits' answers on one input) and the people stay what they were.
    ids = random.Random(seed ^ 0x5EED)
    kecs = areas.kecamatan()
    villages = {k.code: areas.villages(k.code) for k in kecs}
    out: list[Enrolment] = []
    used: set[str] = set()
    for _ in range(n):
        if out and rng.random() < repeat_share:
            base = rng.choice(out)
            out.append(
                Enrolment(
                    client_id=_client_id(ids),
                    version=1,
                    nik=base.nik,
                    full_name=base.full_name,
                    birth_date=base.birth_date,
                    sex=base.sex,
                    village_code=base.village_code,
                    phone=base.phone,
                    segment=base.segment,
                    consent=base.consent,
                    created_at=base.created_at,
                )
            )
            continue
        while True:
            kec = rng.choice(kecs)
            female = rng.random() < 0.5
            born = date(1950, 1, 1) + timedelta(days=rng.randrange(0, 57 * 365))
            day = born.day + (40 if female else 0)
            nik = (
                f"5203{kec.code[-2:]}{day:02d}{born.month:02d}{born.year % 100:02d}"
                f"{rng.randrange(1, 10000):04d}"
            )
            if nik not in used:
                used.add(nik)
                break
        first = rng.choice(FIRST_F if female else FIRST_M)
        name = f"{first} {rng.choice(LAST)}"
        at = (
            f"2026-11-{rng.randrange(1, 25):02d}T0{rng.randrange(0, 9)}:{rng.randrange(10, 60)}:00Z"
        )
        out.append(
            Enrolment(
                client_id=_client_id(ids),
                version=1,
                nik=nik,
                full_name=name,
                birth_date=born.isoformat(),
                sex="F" if female else "M",
                village_code=rng.choice(villages[kec.code]).code,
                phone=f"08{rng.randrange(10**9, 10**10)}",
                segment=rng.choices(SEGMENTS, SEGMENT_WEIGHTS)[0],
                consent=Consent(
                    given=True, by=name, method=rng.choice(["ticked", "read_aloud"]), at=at
                ),
                created_at=at,
            )
        )
    return out
