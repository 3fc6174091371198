"""Coverage against the regency's targets: by segment, kecamatan, desa, and week.

Targets live in `assets/targets.json`. The overall target is a share (30 %) of the
working population, derived from the regency's population in
`assets/wilayah/population.csv` times the labour-force share stated in the targets
file (BPS: ~0.68). The live figures come from the member tallies the database keeps
(services/member_tallies.py), so the page reads a few thousand rows whatever the number
of members (bench/desk.py measures it at a million); the figures as they were at an
instant (`until`, the progress report) come from GROUP BY queries over the members.

Kecamatan and desa targets: the targets file and the population data are regency-wide
only (there is no population per kecamatan or desa in the reference data), so the overall
target is split equally over the regency's 254 desa and kelurahan (`village_targets`),
and a kecamatan's target is the sum of its villages'. A village is the unit the
officers work in, and desa are formed with a minimum population, so the count of
villages is the least arbitrary proxy the data offers; the page says so.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.activities import ActivityOutcome
from enrolment.areas import ASSETS_DIR, HOME_REGENCY, area_name, home_areas
from enrolment.segments import Segment, segment_name
from sync_server.desk_format import to_wita, wita_midnight_utc
from sync_server.models import Attendance, EducationSession, Member, RetiredMember
from sync_server.services.member_tallies import area_counts, day_counts, keep_compact

TARGETS_FILE = ASSETS_DIR / "targets.json"
POPULATION_FILE = ASSETS_DIR / "wilayah" / "population.csv"
_WITA_HOURS = 8  # Asia/Makassar has no daylight saving
_M = Member.__table__  # type: ignore[attr-defined]
_RETIRED = RetiredMember.__table__  # type: ignore[attr-defined]
_A = Attendance.__table__  # type: ignore[attr-defined]
_S = EducationSession.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Targets:
    """The programme's targets."""

    population: int
    labour_share: float
    coverage_share: float
    segments: dict[str, int]

    @property
    def working_population(self) -> int:
        """People of working age in the labour force (population × labour share)."""
        return round(self.population * self.labour_share)

    @property
    def overall(self) -> int:
        """Members needed for the coverage share of the working population."""
        return round(self.working_population * self.coverage_share)


@cache
def load_targets() -> Targets:
    """The targets file joined with the regency's population (read once)."""
    with TARGETS_FILE.open(encoding="utf-8") as f:
        raw: dict[str, Any] = json.load(f)
    regency = raw.get("regency", HOME_REGENCY)
    with POPULATION_FILE.open(encoding="utf-8", newline="") as f:
        population = next(int(r["total"]) for r in csv.DictReader(f) if r["kode"] == regency)
    return Targets(
        population=population,
        labour_share=float(raw["working_population"]["labour_share"]),
        coverage_share=float(raw["coverage_share"]),
        segments={k: int(v) for k, v in raw["segments"].items()},
    )


@dataclass(frozen=True)
class Bar:
    """One row of a table with a bar: a label, a count and (if any) its target."""

    code: str
    label: str
    count: int
    target: int | None = None

    @property
    def percent(self) -> float | None:
        """Count as a percentage of the target, if there is one."""
        return 100.0 * self.count / self.target if self.target else None


@dataclass
class Coverage:
    """Everything the coverage page shows."""

    total: int
    targets: Targets
    segments: list[Bar]
    kecamatan: list[Bar]
    villages: dict[str, list[Bar]] = field(default_factory=dict)  # by kecamatan code
    weeks: list[Bar] = field(default_factory=list)
    # Education reach (issue 14): members who attended at least one session, overall and
    # by the kecamatan they live in ({code: (reached, members)}).
    reached: int = 0
    reached_by_kecamatan: dict[str, tuple[int, int]] = field(default_factory=dict)

    @property
    def reach_percent(self) -> float | None:
        """Members reached as a percentage of members; None without members."""
        return 100.0 * self.reached / self.total if self.total else None

    def kecamatan_reach(self, code: str) -> tuple[int, float | None]:
        """(members reached, as a percentage of the kecamatan's members) of a kecamatan."""
        reached, members = self.reached_by_kecamatan.get(code, (0, 0))
        return reached, (100.0 * reached / members if members else None)

    @property
    def overall_percent(self) -> float:
        """Members as a percentage of the overall target."""
        return 100.0 * self.total / self.targets.overall if self.targets.overall else 0.0


def village_targets(overall: int, codes: list[str]) -> dict[str, int]:
    """The overall target split equally over `codes`; the remainder goes one each to the
    first codes, so the villages' targets add up to the overall target exactly."""
    if not codes:
        return {}
    share, rest = divmod(overall, len(codes))
    return {code: share + (1 if i < rest else 0) for i, code in enumerate(sorted(codes))}


def _by_coverage(bar: Bar) -> tuple[float, str]:
    """Best covered first (then by name): the order a coordinator reads a league table."""
    return (-(bar.percent or 0.0), bar.label)


def active(until: datetime | None = None) -> Any:
    """Members not merged away or rejected by a coordinator; with `until` (a stored UTC
    instant), the members there were then: registered before it and not retired before it."""
    if until is None:
        return _M.c.id.not_in(sa.select(_RETIRED.c.member_id))
    retired = sa.select(_RETIRED.c.member_id).where(_RETIRED.c.retired_at < until)
    return sa.and_(_M.c.created_at < until, _M.c.id.not_in(retired))


def coverage(
    *, session: Session, weeks: int = 12, today: date | None = None, until: datetime | None = None
) -> Coverage:
    """Members by segment, kecamatan, desa and (the last `weeks`) week of enrolment;
    with `until`, as they were at that instant (the progress report's date)."""
    targets = load_targets()
    if until is None:
        keep_compact(session)
    by_segment, by_village = _counts(session, until)
    segments = [
        Bar(
            s.value, segment_name(s.value), int(by_segment.get(s.value, 0)), targets.segments.get(s)
        )
        for s in Segment
    ]
    kec_codes = [a.code for a in home_areas() if a.code.count(".") == 2]
    villages = _village_bars(targets, kec_codes, by_village)
    kecamatan = sorted(
        (
            Bar(
                k,
                area_name(k),
                sum(b.count for b in villages.get(k, [])),
                sum(b.target or 0 for b in villages.get(k, [])),
            )
            for k in kec_codes
        ),
        key=_by_coverage,
    )
    reached_by_kecamatan, reached = reached_members(session=session, until=until)
    return Coverage(
        total=int(sum(by_segment.values())),
        targets=targets,
        segments=segments,
        kecamatan=kecamatan,
        villages=villages,
        weeks=_weekly(session, weeks, today or date.today(), until),
        reached=reached,
        reached_by_kecamatan=reached_by_kecamatan,
    )


def _village_bars(
    targets: Targets, kec_codes: list[str], by_village: dict[str, int]
) -> dict[str, list[Bar]]:
    """Each kecamatan's villages with their members and targets, best covered first."""
    desa = [a for a in home_areas() if a.code.count(".") == 3]
    desa_targets = village_targets(targets.overall, [a.code for a in desa])
    villages: dict[str, list[Bar]] = {k: [] for k in kec_codes}
    for a in desa:
        villages.setdefault(a.code.rsplit(".", 1)[0], []).append(
            Bar(a.code, a.name, int(by_village.get(a.code, 0)), desa_targets[a.code])
        )
    for bars in villages.values():
        bars.sort(key=_by_coverage)
    return villages


def _counts(session: Session, until: datetime | None) -> tuple[dict[str, int], dict[str, int]]:
    """Members there are by segment and by village (at `until`, with it)."""
    if until is None:
        by_segment: dict[str, int] = {}
        by_village: dict[str, int] = {}
        for (village, segment), n in area_counts(session).items():
            by_segment[segment] = by_segment.get(segment, 0) + n
            by_village[village] = by_village.get(village, 0) + n
        return by_segment, by_village
    by_segment = dict(
        session.execute(
            sa.select(_M.c.segment, sa.func.count()).where(active(until)).group_by(_M.c.segment)
        ).all()
    )
    by_village = dict(
        session.execute(
            sa.select(_M.c.village_code, sa.func.count())
            .where(active(until))
            .group_by(_M.c.village_code)
        ).all()
    )
    return by_segment, by_village


def reached_ids(until: datetime | None = None) -> Any:
    """The members counted present at a session not cancelled (held before the WITA day
    `until` falls in, with `until`): the ones education has reached."""
    query = (
        sa.select(_A.c.member_id)
        .select_from(_A.join(_S, _S.c.id == _A.c.session_id))
        .where(
            _A.c.outcome == ActivityOutcome.RECORDED.value,
            _A.c.member_id.is_not(None),
            _S.c.cancelled_at.is_(None),
        )
    )
    if until is not None:
        query = query.where(_S.c.held_on < to_wita(until).date())
    return query.distinct()


def reached_members(
    *, session: Session, until: datetime | None = None
) -> tuple[dict[str, tuple[int, int]], int]:
    """({kecamatan code: (members reached, members)} by where members live, members
    reached), among the members there are (`active(until)`)."""
    reached = reached_ids(until).subquery()
    if until is None:
        rows = _reached_now(session, reached)
    else:
        rows = session.execute(
            sa.select(_M.c.village_code, sa.func.count(reached.c.member_id), sa.func.count())
            .select_from(_M.outerjoin(reached, reached.c.member_id == _M.c.id))
            .where(active(until))
            .group_by(_M.c.village_code)
        ).all()
    by_kecamatan: dict[str, tuple[int, int]] = {}
    for village, n_reached, n_members in rows:
        k = village.rsplit(".", 1)[0]
        old = by_kecamatan.get(k, (0, 0))
        by_kecamatan[k] = (old[0] + int(n_reached), old[1] + int(n_members))
    return by_kecamatan, sum(r for r, _ in by_kecamatan.values())


def _reached_now(session: Session, reached: Any) -> list[tuple[str, int, int]]:
    """(village, members reached, members) of the members there are: the members from the
    tallies, the reached ones read from the attendance side (as many as attended)."""
    reached_by_village = dict(
        session.execute(
            sa.select(_M.c.village_code, sa.func.count())
            .select_from(reached.join(_M, _M.c.id == reached.c.member_id))
            .where(active())
            .group_by(_M.c.village_code)
        ).all()
    )
    members: dict[str, int] = {}
    for (village, _segment), n in area_counts(session).items():
        members[village] = members.get(village, 0) + n
    return [(v, int(reached_by_village.get(v, 0)), n) for v, n in members.items()]


def _weekly(session: Session, weeks: int, today: date, until: datetime | None) -> list[Bar]:
    """New members per ISO week (Monday start) over the last `weeks` weeks, oldest first."""
    monday = today - timedelta(days=today.weekday())
    start = monday - timedelta(weeks=weeks - 1)
    # The day on the office's clock (stored times are UTC; WITA is UTC+8 all year): a
    # Monday 07.00 WITA enrolment belongs to Monday's week, not Sunday's.
    day = (
        sa.func.date(_M.c.created_at, f"+{_WITA_HOURS} hours")
        if session.get_bind().dialect.name == "sqlite"
        else sa.cast(_M.c.created_at + sa.text(f"interval '{_WITA_HOURS} hours'"), sa.Date)
    )
    since = wita_midnight_utc(start)
    rows = (
        day_counts(session, start)
        if until is None
        else session.execute(
            sa.select(day, sa.func.count())
            .where(active(until), _M.c.created_at >= since)
            .group_by(day)
        ).all()
    )
    counts = [0] * weeks
    for d, n in rows:
        d = d if isinstance(d, date) else date.fromisoformat(str(d))
        counts[min(weeks - 1, (d - start).days // 7)] += int(n)
    return [
        Bar((start + timedelta(weeks=i)).isoformat(), _week_label(start + timedelta(weeks=i)), n)
        for i, n in enumerate(counts)
    ]


def _week_label(monday: date) -> str:
    return f"{monday.day:02d}/{monday.month:02d}"
