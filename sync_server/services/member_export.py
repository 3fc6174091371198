"""Member lists for BPJS bulk registration (CSV and XLSX), filtered by segment, area, date.

The full NIK is in the file: BPJS registers people by NIK, and only a signed-in
coordinator can export; each export is written to the audit log with its filters.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlmodel import Session

from enrolment.areas import area_name
from enrolment.messages import slashed
from enrolment.segments import segment_name
from sync_server.desk_format import (
    DAY_FORMAT,
    format_day,
    sex_letter,
    to_wita,
    wita_midnight_utc,
)
from sync_server.models import Member, MemberKpj, RetiredMember, User
from sync_server.services.audit import audit
from sync_server.services.members import member_number
from sync_server.services.reported_fields import REPORTED_COLUMNS, export_header, export_values
from sync_server.services.spreadsheet_cells import safe_cell, safe_row

if TYPE_CHECKING:
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet

COLUMNS = (
    "NIK",
    "KPJ",
    slashed("export_name"),
    slashed("export_birth_date"),
    slashed("export_sex"),
    slashed("export_village_code"),
    slashed("export_village"),
    "Kecamatan",
    slashed("export_phone"),
    slashed("export_segment"),
    slashed("export_member_no"),
    slashed("export_enrolled"),
)
#: Then a column for each field the schema reports (enrolment.fields.REPORTED).
HEADER = (*COLUMNS, *export_header())
_M = Member.__table__  # type: ignore[attr-defined]
_K = MemberKpj.__table__  # type: ignore[attr-defined]
_RETIRED = RetiredMember.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class ExportFilter:
    """Which members to export; empty fields mean "all"."""

    segment: str = ""
    area: str = ""  # a kecamatan (52.03.07) or desa (52.03.07.2001) code
    date_from: date | None = None
    date_to: date | None = None  # inclusive

    def describe(self) -> dict[str, str]:
        """The filter as the audit log records it."""
        return {
            "segment": self.segment,
            "area": self.area,
            "from": self.date_from.isoformat() if self.date_from else "",
            "to": self.date_to.isoformat() if self.date_to else "",
        }


def member_rows(*, session: Session, flt: ExportFilter) -> list[list[object]]:
    """The rows to export, by member number, one list per member in HEADER order."""
    query = (
        sa.select(
            _M.c.id,
            _M.c.nik,
            _K.c.kpj,
            _M.c.full_name,
            _M.c.birth_date,
            _M.c.sex,
            _M.c.village_code,
            _M.c.phone,
            _M.c.segment,
            _M.c.created_at,
            *(_M.c[column] for column, _ in REPORTED_COLUMNS),
        )
        .select_from(_M.outerjoin(_K, _K.c.member_id == _M.c.id))
        .where(_M.c.id.not_in(sa.select(_RETIRED.c.member_id)))
        .order_by(_M.c.id)
    )
    if flt.segment:
        query = query.where(_M.c.segment == flt.segment)
    if flt.area:
        query = query.where(
            sa.or_(_M.c.village_code == flt.area, _M.c.village_code.startswith(flt.area + "."))
        )
    # The dates are the office's days: a member enrolled at 07:00 WITA on the 2nd is
    # stored as 23:00 UTC on the 1st and belongs to the 2nd.
    if flt.date_from:
        query = query.where(_M.c.created_at >= wita_midnight_utc(flt.date_from))
    if flt.date_to:
        query = query.where(_M.c.created_at < wita_midnight_utc(flt.date_to + timedelta(days=1)))
    return [
        [
            r.nik,
            r.kpj or "",
            r.full_name,
            r.birth_date,
            sex_letter(r.sex) or r.sex,  # BPJS writes L and P
            r.village_code,
            area_name(r.village_code),
            area_name(r.village_code.rsplit(".", 1)[0]),
            r.phone,
            segment_name(r.segment),
            member_number(r.id),
            to_wita(r.created_at.replace(microsecond=0)).replace(tzinfo=None),  # header: WITA
            *export_values(r._mapping),
        ]
        for r in session.execute(query)
    ]


def export_members(
    *, session: Session, flt: ExportFilter, fmt: str, user: User
) -> tuple[bytes, int]:
    """The file (`csv` or `xlsx`) and its row count; the export is audited."""
    rows = member_rows(session=session, flt=flt)
    body = _xlsx(rows) if fmt == "xlsx" else _csv(rows)
    audit(session, user, "export_members", fmt, "", {**flt.describe(), "rows": len(rows)})
    return body, len(rows)


def _csv(rows: list[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    for row in rows:
        # Names and phones come from tablets: no cell may run as a formula.
        writer.writerow([safe_cell(_csv_text(v)) for v in row])
    # UTF-8 with BOM: Excel on the office PCs then reads names with accents correctly.
    return out.getvalue().encode("utf-8-sig")


def _csv_text(value: object) -> object:
    """Dates as DD-MM-YYYY and times as DD-MM-YYYY HH:MM:SS (already WITA)."""
    if isinstance(value, datetime):
        return value.strftime(f"{DAY_FORMAT} %H:%M:%S")  # on the WITA clock already
    if isinstance(value, date):
        return format_day(value)
    return value


def _xlsx_cell(ws: WriteOnlyWorksheet, value: object) -> object:
    """Dates stay dates (Excel sorts and filters them) but display as DD-MM-YYYY."""
    from openpyxl.cell import WriteOnlyCell  # loaded by _xlsx already: a dict look-up

    if isinstance(value, datetime):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "DD-MM-YYYY HH:MM:SS"
        return cell
    if isinstance(value, date):
        cell = WriteOnlyCell(ws, value)
        cell.number_format = "DD-MM-YYYY"
        return cell
    return value


def _xlsx(rows: list[list[object]]) -> bytes:
    # Imported here: openpyxl (and numpy behind it) costs every server start ~0.15 s.
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Peserta")
    ws.append(list(HEADER))
    for row in rows:
        # NIK and KPJ as text: as numbers Excel would round 16 digits and drop zeros.
        # Text only: openpyxl would store "=…" as a formula.
        ws.append([_xlsx_cell(ws, v) for v in safe_row(row)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
