"""Monthly contributions of informal (BPU) participants, computed from declared income.

The numbers live in `assets/contribution_rates.json`, never in code: tables with the
period each is in force (enrolment/contribution_schedule.py). `load_schedule()` reads
that file (the only I/O here) and `load_rates(day=…)` gives the rates in force on a day,
so the calculator itself is a pure function that tests can feed any table.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from enrolment.areas import ASSETS_DIR
from enrolment.contribution_schedule import Rates, Schedule, rates_from_dict, schedule_from_dict
from enrolment.messages import view

RATES_FILE = ASSETS_DIR / "contribution_rates.json"

#: Who pays the contribution: stable wire codes; the names are the catalogue's
#: `funding_<code>` (enrolment/messages/names.py).
FUNDING_SOURCES: dict[str, dict[str, str]] = view(
    {code: f"funding_{code}" for code in ("self", "add", "dbhcht", "apbd", "employer")}
)


@dataclass(frozen=True)
class Contribution:
    """One month's contribution in whole rupiah."""

    jkk: int  # work-accident insurance
    jkm: int  # death insurance
    jht: int  # old-age savings (0 unless chosen)

    @property
    def total(self) -> int:
        """What is paid each month."""
        return self.jkk + self.jkm + self.jht


@cache
def load_schedule(path: Path = RATES_FILE) -> Schedule:
    """Every contribution table in the shipped data file (read once per process)."""
    with Path(path).open(encoding="utf-8") as f:
        return schedule_from_dict(json.load(f))


def load_rates(path: Path = RATES_FILE, day: date | None = None) -> Rates:
    """The rates in force on `day` (default: today, on this machine's clock) in the
    shipped data file."""
    return load_schedule(path).rates_on(day or date.today())


def _rupiah(amount: Decimal) -> int:
    # Whole rupiah, half up: what a payment slip shows.
    return int(amount.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def monthly_contribution(income: int, rates: Rates, *, jht: bool = False) -> Contribution:
    """The monthly contribution implied by a declared monthly `income` (rupiah).

    JKK is `jkk_rate` of income clamped to [jkk_min, jkk_max]; JKM is flat; JHT is
    `jht_rate` of income, only if the person chooses it. Negative income counts as 0.
    """
    income = max(0, int(income))
    jkk = min(rates.jkk_max, max(rates.jkk_min, _rupiah(rates.jkk_rate * income)))
    return Contribution(
        jkk=jkk,
        jkm=rates.jkm_flat,
        jht=_rupiah(rates.jht_rate * income) if jht else 0,
    )


def format_rupiah(amount: int) -> str:
    """`Rp 1.234.567`: Indonesian thousands separators."""
    return "Rp " + f"{amount:,}".replace(",", ".")


__all__ = [
    "FUNDING_SOURCES",
    "RATES_FILE",
    "Contribution",
    "Rates",
    "format_rupiah",
    "load_rates",
    "load_schedule",
    "monthly_contribution",
    "rates_from_dict",
]
