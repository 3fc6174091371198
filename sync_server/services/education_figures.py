"""The education figures over all sessions (/desk/edukasi, the coverage page, the progress
report): attendance by segment, topic and kecamatan, the members enrolled but never
reached, and reach (members who attended at least one session / members).

A cancelled session counts nowhere; an attendance counts when answered `recorded`
(education_desk.py). Members are the active ones (`coverage.active`: not merged away or
rejected). Each figure is a GROUP BY or two, like the coverage page's.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.areas import area_name, kecamatan, village_label
from enrolment.messages import slashed
from enrolment.nik import mask_nik
from enrolment.segments import Segment, segment_name
from enrolment.worklist import Topic
from sync_server.desk_format import format_day, to_wita
from sync_server.models import Attendance, EducationSession, Member
from sync_server.services.coverage import active, reached_ids, reached_members
from sync_server.services.education_desk import RECORDED, area_clause, guest_key, topic_name
from sync_server.services.members import member_number
from sync_server.services.spreadsheet_cells import safe_cell, safe_row

_S = EducationSession.__table__  # type: ignore[attr-defined]
_A = Attendance.__table__  # type: ignore[attr-defined]
_M = Member.__table__  # type: ignore[attr-defined]
#: Members the never-reached list shows a page.
PAGE_SIZE = 50
#: Rows an export holds at most (a district's attendance is far below).
EXPORT_LIMIT = 200_000


def _held() -> Any:
    """Recorded attendance at a session not cancelled (the join of the two tables)."""
    return sa.and_(_A.c.outcome == RECORDED, _S.c.cancelled_at.is_(None))


def _joined() -> Any:
    return _A.join(_S, _S.c.id == _A.c.session_id)


@dataclass(frozen=True)
class Figure:
    """One row of a figures table: sessions, member attendances, non-members."""

    code: str
    label: str
    sessions: int = 0
    members: int = 0
    others: int = 0
    reached: int = 0  # distinct members (by segment: of the segment)
    enrolled: int = 0  # members (by kecamatan: living there; by segment: of the segment)

    @property
    def reach(self) -> float | None:
        """Reached as a percentage of enrolled, if any are."""
        return 100.0 * self.reached / self.enrolled if self.enrolled else None


@dataclass
class Figures:
    """Everything the figures part of /desk/edukasi shows."""

    sessions: int
    enrolled: int
    reached: int
    by_segment: list[Figure]
    by_topic: list[Figure]
    by_kecamatan: list[Figure]

    @property
    def reach(self) -> float | None:
        """Members reached as a percentage of members."""
        return 100.0 * self.reached / self.enrolled if self.enrolled else None


def figures(*, session: Session) -> Figures:
    """Attendance by segment, topic and kecamatan, and reach."""
    reached_by_kec, reached = reached_members(session=session)
    enrolled = dict(
        session.execute(
            sa.select(_M.c.segment, sa.func.count()).where(active()).group_by(_M.c.segment)
        ).all()
    )
    sessions = session.execute(
        sa.select(sa.func.count()).select_from(_S).where(_S.c.cancelled_at.is_(None))
    ).scalar_one()
    return Figures(
        sessions=int(sessions),
        enrolled=int(sum(enrolled.values())),
        reached=reached,
        by_segment=_by_segment(session, enrolled),
        by_topic=_by_topic(session),
        by_kecamatan=_by_kecamatan(session, reached_by_kec),
    )


def _by_segment(session: Session, enrolled: dict[str, int]) -> list[Figure]:
    """Member attendances and distinct members by the member's segment; non-members last."""
    rows = session.execute(
        sa.select(_M.c.segment, sa.func.count(), sa.func.count(sa.distinct(_M.c.id)))
        .select_from(_joined().join(_M, _M.c.id == _A.c.member_id))
        .where(_held(), active())
        .group_by(_M.c.segment)
    ).all()
    found = {seg: (int(n), int(d)) for seg, n, d in rows}
    out = [
        Figure(
            s.value,
            segment_name(s.value),
            members=found.get(s.value, (0, 0))[0],
            reached=found.get(s.value, (0, 0))[1],
            enrolled=int(enrolled.get(s.value, 0)),
        )
        for s in Segment
    ]
    return [*out, Figure("", "", others=_non_members(session))]


def _non_members(session: Session, *where: Any) -> int:
    """Non-members present, once per session and person."""
    pairs = (
        sa.select(_A.c.session_id, guest_key())
        .select_from(_joined())
        .where(_held(), _A.c.member_id.is_(None), *where)
        .distinct()
        .subquery()
    )
    return int(session.execute(sa.select(sa.func.count()).select_from(pairs)).scalar_one())


def _attendance_by(session: Session, key: Any) -> dict[str, tuple[int, int, int]]:
    """{key: (sessions, member attendances, non-members)} over sessions not cancelled."""
    sessions = dict(
        session.execute(
            sa.select(key, sa.func.count()).where(_S.c.cancelled_at.is_(None)).group_by(key)
        ).all()
    )
    members = dict(
        session.execute(
            sa.select(key, sa.func.count(_A.c.member_id))
            .select_from(_joined())
            .where(_held())
            .group_by(key)
        ).all()
    )
    pairs = (
        sa.select(key.label("k"), _A.c.session_id, guest_key().label("g"))
        .select_from(_joined())
        .where(_held(), _A.c.member_id.is_(None))
        .distinct()
        .subquery()
    )
    others = dict(session.execute(sa.select(pairs.c.k, sa.func.count()).group_by(pairs.c.k)).all())
    return {
        k: (int(sessions.get(k, 0)), int(members.get(k, 0)), int(others.get(k, 0)))
        for k in {*sessions, *members, *others}
    }


def _by_topic(session: Session) -> list[Figure]:
    found = _attendance_by(session, _S.c.topic)
    return [Figure(t.value, topic_name(t.value, ""), *found.get(t.value, (0, 0, 0))) for t in Topic]


def _by_kecamatan(session: Session, reached: dict[str, tuple[int, int]]) -> list[Figure]:
    """Sessions and attendance by the session's kecamatan; reach by the members'."""
    kec = sa.func.substr(_S.c.village_code, 1, 8)  # 52.03.07 of 52.03.07.1001
    found = _attendance_by(session, kec)
    out = []
    for k in kecamatan():
        n_reached, n_members = reached.get(k.code, (0, 0))
        out.append(Figure(k.code, k.name, *found.get(k.code, (0, 0, 0)), n_reached, n_members))
    return out


# --- members enrolled but never reached --------------------------------------------


def _never(area: str) -> list[Any]:
    where = [active(), _M.c.id.not_in(reached_ids())]
    if area:
        where.append(area_clause(_M.c.village_code, area))
    return where


def never_reached_by_kecamatan(*, session: Session) -> list[tuple[str, str, int]]:
    """(kecamatan code, name, members never reached) of every kecamatan."""
    rows = session.execute(
        sa.select(_M.c.village_code, sa.func.count()).where(*_never("")).group_by(_M.c.village_code)
    ).all()
    counts: dict[str, int] = {}
    for village, n in rows:
        k = village.rsplit(".", 1)[0]
        counts[k] = counts.get(k, 0) + int(n)
    return [(k.code, k.name, counts.get(k.code, 0)) for k in kecamatan()]


@dataclass(frozen=True)
class NeverReached:
    """One member never reached, as the list and the files show them."""

    member_no: str
    name: str
    masked_nik: str
    segment: str
    village: str
    phone: str
    enrolled: datetime


def never_reached(
    *, session: Session, area: str = "", page: int = 1, size: int = PAGE_SIZE
) -> tuple[list[NeverReached], int]:
    """A page of the members never reached (by member number) and how many there are."""
    total = session.execute(sa.select(sa.func.count()).where(*_never(area))).scalar_one()
    rows = session.execute(
        sa.select(
            _M.c.id,
            _M.c.full_name,
            _M.c.nik,
            _M.c.segment,
            _M.c.village_code,
            _M.c.phone,
            _M.c.created_at,
        )
        .where(*_never(area))
        .order_by(_M.c.id)
        .offset(max(0, page - 1) * size)
        .limit(size)
    ).all()
    people = [
        NeverReached(
            member_number(r.id),
            r.full_name,
            mask_nik(r.nik),
            r.segment,
            village_label(r.village_code),
            r.phone,
            r.created_at,
        )
        for r in rows
    ]
    return people, int(total)


# --- files ----------------------------------------------------------------------------

ATTENDANCE_HEADER = (
    slashed("edk_date"),
    slashed("edk_topic"),
    slashed("edk_village"),
    "Kecamatan",
    slashed("edk_place"),
    slashed("edk_col_kind"),
    slashed("edk_member_no"),
    slashed("edk_name"),
    "NIK",
    slashed("edk_segment"),
    slashed("edk_recorded_by"),
    slashed("edk_col_attended"),
)
NEVER_HEADER = (
    slashed("edk_member_no"),
    slashed("edk_name"),
    "NIK",
    slashed("edk_segment"),
    slashed("edk_village"),
    slashed("edk_col_phone"),
    slashed("edk_enrolled"),
)


def attendance_rows(
    *, session: Session, area: str = "", topic: str = "", uid: str = ""
) -> list[list[object]]:
    """Every recorded attendance at a session not cancelled (or at the session `uid`), by
    date and session; NIKs masked as on the page (the member export has full NIKs)."""
    where = [_held()]
    if uid:
        where.append(_S.c.uid == uid)
    if area:
        where.append(area_clause(_S.c.village_code, area))
    if topic:
        where.append(_S.c.topic == topic)
    rows = session.execute(
        sa.select(
            _S.c.held_on,
            _S.c.topic,
            _S.c.title,
            _S.c.village_code,
            _S.c.place,
            _A.c.member_id,
            _M.c.full_name,
            _M.c.nik,
            _M.c.segment,
            _A.c.nik.label("guest_nik"),
            _A.c.guest_name,
            _A.c.method,
            _A.c.attended_at,
        )
        .select_from(_joined().outerjoin(_M, _M.c.id == _A.c.member_id))
        .where(*where)
        .order_by(_S.c.held_on, _S.c.id, _A.c.id)
        .limit(EXPORT_LIMIT)
    ).all()
    return [_attendance_row(r) for r in rows]


def _attendance_row(r: Any) -> list[object]:
    member = r.member_id is not None
    return [
        r.held_on,
        topic_name(r.topic, r.title),
        area_name(r.village_code),
        area_name(r.village_code.rsplit(".", 1)[0]),
        r.place,
        slashed("edk_kind_member") if member else slashed("edk_offer_enrolment"),
        member_number(r.member_id) if member else "",
        r.full_name if member else r.guest_name,
        mask_nik(r.nik if member else r.guest_nik) if (r.nik or r.guest_nik) else "",
        segment_name(r.segment) if member else "",
        slashed(f"edk_method_{r.method}") if r.method in ("card", "nik", "guest") else r.method,
        _attended(r.attended_at),
    ]


def _attended(value: str) -> str:
    """The tablet's ISO time on the WITA clock, as DD-MM-YYYY HH:MM; as sent if unreadable."""
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    return to_wita(at).strftime("%d-%m-%Y %H:%M")


def never_rows(*, session: Session, area: str = "") -> list[list[object]]:
    """Every member never reached, as file rows."""
    people, _ = never_reached(session=session, area=area, page=1, size=EXPORT_LIMIT)
    return [
        [
            p.member_no,
            p.name,
            p.masked_nik,
            segment_name(p.segment),
            p.village,
            p.phone,
            to_wita(p.enrolled.replace(microsecond=0)).date(),
        ]
        for p in people
    ]


def to_csv(header: tuple[str, ...], rows: list[list[object]]) -> bytes:
    """The rows as CSV (UTF-8 with BOM for Excel), no cell able to run as a formula."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(format_day(v) if isinstance(v, date) else v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def to_xlsx(sheet: str, header: tuple[str, ...], rows: list[list[object]]) -> bytes:
    """The rows as one XLSX sheet; dates stay dates shown DD-MM-YYYY, text stays text."""
    # Imported here: openpyxl (numpy behind it) would cost every server start ~0.2 s.
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet)
    ws.append(list(header))
    for row in rows:
        cells: list[object] = []
        for value in safe_row(row):
            if isinstance(value, date):
                cell = WriteOnlyCell(ws, value)
                cell.number_format = "DD-MM-YYYY"
                cells.append(cell)
            else:
                cells.append(value)
        ws.append(cells)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
