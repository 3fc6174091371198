"""Households: poor households and migrant workers are enrolled with their family.

Every family member is an enrolment record of its own (own client id, own NIK, so
own member on the server); they share a household block naming the family card
(KK), the member's relation to the head of the family, and the client id of the
household's anchor record (the person the officer enrolled first).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from enrolment import areas
from enrolment.messages import view
from enrolment.problems import Problem, problem

#: Relation to the head of the family, as on the KK. Stable wire codes; the names are
#: the catalogue's `relation_<code>` (enrolment/messages/names.py).
RELATIONS: dict[str, dict[str, str]] = view(
    {code: f"relation_{code}" for code in ("head", "spouse", "child", "parent", "other")}
)


@dataclass(frozen=True)
class Household:
    """The family block shared by every record of one household."""

    kk: str  # family card number, 16 digits
    relation: str  # one of RELATIONS
    head: str  # client id of the household's anchor record


def relation_name(code: str, lang: str = "id") -> str:
    """Display name of a relation code; the code itself if unknown."""
    return RELATIONS.get(code, {}).get(lang, code)


def validate_household(household: Household) -> list[Problem]:
    """Problems with one record's household block."""
    problems: list[Problem] = []
    kk = household.kk.replace(" ", "")
    if not kk:
        problems.append(problem("household.kk", "required"))
    elif not (kk.isascii() and kk.isdigit() and len(kk) == 16):
        problems.append(problem("household.kk", "kk_invalid", n=len(kk)))
    elif kk[:4] not in areas.regency_codes():
        problems.append(problem("household.kk", "kk_regency", prefix=kk[:4]))
    if household.relation not in RELATIONS:
        problems.append(problem("household.relation", "relation_unknown"))
    if not household.head:
        problems.append(problem("household.head", "household_head_missing"))
    return problems


def validate_members(niks: Sequence[str], relations: Sequence[str]) -> list[tuple[int, Problem]]:
    """Rules across one household's records: `(index, problem)` for each record at fault.

    A NIK appears once, and at most one member is the head of the family.
    """
    found: list[tuple[int, Problem]] = []
    seen: set[str] = set()
    for i, nik in enumerate(niks):
        if nik and nik in seen:
            found.append((i, problem("nik", "nik_repeated_in_household")))
        seen.add(nik)
    heads = [i for i, rel in enumerate(relations) if rel == "head"]
    for i in heads[1:]:
        found.append((i, problem("household.relation", "household_two_heads")))
    return found
