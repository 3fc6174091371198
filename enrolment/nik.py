"""NIK (Nomor Induk Kependudukan) rules, shared by the tablet and the server.

Layout `PPRRSSDDMMYYNNNN`: province+regency (must be a real regency code),
kecamatan of issue (not checked: it need not be where the person lives), birth
day (plus 40 for women), month, two-digit year, serial. There is no check digit,
and the year can be a century off, so only the last two digits are compared.
"""

from __future__ import annotations

import calendar
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from enrolment.problems import Problem, problem

SEX_NAMES = {"M": ("laki-laki", "male"), "F": ("perempuan", "female")}


@dataclass(frozen=True)
class NikFacts:
    """What a well-formed NIK says about its holder."""

    nik: str
    regency: str  # 4 digits, e.g. "5203"
    sex: str  # "M" or "F"
    day: int
    month: int
    year2: int  # last two digits of the birth year

    def matches_birth_date(self, birth_date: date) -> bool:
        """True if `birth_date` agrees with the day, month and 2-digit year in the NIK."""
        return (birth_date.day, birth_date.month, birth_date.year % 100) == (
            self.day,
            self.month,
            self.year2,
        )


def normalise_nik(raw: str) -> str:
    """Strip the spaces, dots and dashes people type or scan around the digits."""
    return "".join(ch for ch in raw if ch not in " .-\t")


def parse_nik(raw: str, regencies: Collection[str]) -> tuple[NikFacts | None, list[Problem]]:
    """Check a NIK's own structure. Returns its facts, or None with the problems found."""
    nik = normalise_nik(raw)
    if not nik:
        return None, [problem("nik", "required")]
    if not nik.isascii() or not nik.isdigit():
        return None, [problem("nik", "nik_digits")]
    if len(nik) != 16:
        return None, [problem("nik", "nik_length", n=len(nik))]
    problems: list[Problem] = []
    if nik[:4] not in regencies:
        problems.append(problem("nik", "nik_regency", prefix=nik[:4]))
    raw_day, month, year2 = int(nik[6:8]), int(nik[8:10]), int(nik[10:12])
    sex = "F" if raw_day > 40 else "M"
    day = raw_day - 40 if sex == "F" else raw_day
    # Feb 29 is possible in some century for any 2-digit year divisible by 4 (00 too:
    # 2000 was leap), so test against a leap year when the 2-digit year allows it.
    probe_year = 2000 + year2 if year2 % 4 else 2000
    if not (1 <= month <= 12 and 1 <= day <= calendar.monthrange(probe_year, month)[1]):
        problems.append(problem("nik", "nik_date", ddmmyy=nik[6:12]))
    if problems:
        return None, problems
    return NikFacts(nik, nik[:4], sex, day, month, year2), []


def birth_year(year2: int, today: date | None = None) -> int:
    """The full birth year a NIK's two digits most likely mean: the NIK holds only the
    last two, so the year can be a century off; take the latest year not after this
    one (2000 + yy unless that is still to come, else 1900 + yy), which keeps every
    age between 0 and 99 plausible for a person enrolled today."""
    this_year = (today or date.today()).year
    century = this_year - this_year % 100
    year = century + year2
    return year if year <= this_year else year - 100


def check_nik_against(facts: NikFacts, birth_date: date | None, sex: str | None) -> list[Problem]:
    """Problems where the NIK disagrees with the birth date and sex entered."""
    problems: list[Problem] = []
    if sex in SEX_NAMES and sex != facts.sex:
        problems.append(
            problem(
                "sex",
                "nik_sex_mismatch",
                nik_sex=SEX_NAMES[facts.sex][0],
                nik_sex_en=SEX_NAMES[facts.sex][1],
                sex=SEX_NAMES[sex][0],
                sex_en=SEX_NAMES[sex][1],
            )
        )
    if birth_date is not None and not facts.matches_birth_date(birth_date):
        problems.append(
            problem(
                "birth_date",
                "nik_birth_mismatch",
                nik_date=f"{facts.day:02d}-{facts.month:02d}-{birth_year(facts.year2)}",
            )
        )
    return problems


def mask_nik(nik: str) -> str:
    """Public form of a NIK: regency prefix and serial only, e.g. `5203********0001`."""
    if len(nik) != 16:
        return "*" * len(nik)
    return nik[:4] + "*" * 8 + nik[12:]
