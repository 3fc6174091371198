"""Importing BPJS membership numbers (KPJ) back: a spreadsheet of NIK and KPJ per row.

Rows are matched to members by NIK; a KPJ is 11 digits (BPJS's card number). Rows
that cannot be used are reported with their line and why, and nothing about them is
stored; good rows are stored even when others are bad (the report says which).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from openpyxl import load_workbook
from sqlmodel import Session

from sync_server.db import dialect_insert
from sync_server.models import Member, MemberKpj, User, utcnow
from sync_server.services.audit import audit

MAX_ROWS = 100_000
_NIK = re.compile(r"^\d{16}$")
_KPJ = re.compile(r"^\d{11}$")
_M = Member.__table__  # type: ignore[attr-defined]
_K = MemberKpj.__table__  # type: ignore[attr-defined]

REASONS = {
    "nik_malformed": ("NIK bukan 16 angka", "NIK is not 16 digits"),
    "kpj_malformed": ("KPJ bukan 11 angka", "KPJ is not 11 digits"),
    "nik_unknown": ("NIK tidak terdaftar", "NIK not enrolled"),
}


class ImportFileError(ValueError):
    """The file as a whole is unusable; `code` names why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class ImportReport:
    """What an import did."""

    rows: int = 0
    stored: int = 0
    bad: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, nik, kpj, reason


def read_rows(filename: str, data: bytes) -> list[tuple[int, str, str]]:
    """(line, NIK, KPJ) of every data row in an .xlsx or .csv with NIK and KPJ headers."""
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # an uploaded file: openpyxl fails in many ways on a broken one
            raise ImportFileError("file_unreadable") from None
        try:
            return _table_rows(wb.worksheets[0].iter_rows(values_only=True))
        except ImportFileError:
            raise
        except Exception:  # broken XML inside the zip shows only while reading the rows
            raise ImportFileError("file_unreadable") from None
        finally:
            wb.close()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError("file_unreadable") from None
    dialect = csv.excel_tab if text.count("\t") > text.count(",") else csv.excel
    if text.count(";") > text.count(","):  # Excel in Indonesian locale writes ';'
        dialect = _Semicolon
    try:
        return _table_rows(csv.reader(io.StringIO(text), dialect))
    except csv.Error:  # e.g. a field over the csv module's size limit
        raise ImportFileError("file_unreadable") from None


def _table_rows(table: Iterable[Sequence[object]]) -> list[tuple[int, str, str]]:
    """The NIK and KPJ columns of a table whose first row names them; read row by row,
    so an oversized file stops at MAX_ROWS instead of being held whole."""
    rows_in = iter(table)
    first = next(rows_in, None)
    if first is None:
        raise ImportFileError("no_header")
    header = [_cell(c).upper() for c in first]
    if "NIK" not in header or "KPJ" not in header:
        raise ImportFileError("no_header")
    ni, ki = header.index("NIK"), header.index("KPJ")
    rows = []
    for line, row in enumerate(rows_in, start=2):
        nik = _cell(row[ni]) if ni < len(row) else ""
        kpj = _cell(row[ki]) if ki < len(row) else ""
        if nik or kpj:
            rows.append((line, nik, kpj))
            if len(rows) > MAX_ROWS:
                raise ImportFileError("too_many_rows")
    return rows


class _Semicolon(csv.excel):
    delimiter = ";"


def _cell(value: object) -> str:
    """A cell as text; whole numbers without `.0` (a NIK typed into Excel is a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().lstrip("'")


def import_kpj(*, session: Session, filename: str, data: bytes, user: User) -> ImportReport:
    """Store the KPJ of every good row; audit and commit; raises ImportFileError."""
    rows = read_rows(filename, data)
    report = ImportReport(rows=len(rows))
    wellformed: list[tuple[int, str, str]] = []
    for line, nik, kpj in rows:
        if not _NIK.match(nik):
            report.bad.append((line, nik, kpj, "nik_malformed"))
        elif not _KPJ.match(kpj):
            report.bad.append((line, nik, kpj, "kpj_malformed"))
        else:
            wellformed.append((line, nik, kpj))
    ids: dict[str, int] = {}
    niks = sorted({nik for _, nik, _ in wellformed})
    for i in range(0, len(niks), 1000):
        ids.update(
            session.execute(
                sa.select(_M.c.nik, _M.c.id).where(_M.c.nik.in_(niks[i : i + 1000]))
            ).all()
        )
    values: dict[int, str] = {}
    for line, nik, kpj in wellformed:
        if nik in ids:
            values[ids[nik]] = kpj  # a later row for the same NIK wins
        else:
            report.bad.append((line, nik, kpj, "nik_unknown"))
    report.bad.sort()
    if values:
        now = utcnow()
        stmt = dialect_insert(session)(_K)
        stmt = stmt.on_conflict_do_update(
            index_elements=["member_id"],
            set_={"kpj": stmt.excluded.kpj, "imported_at": stmt.excluded.imported_at},
        )
        session.execute(
            stmt, [{"member_id": m, "kpj": k, "imported_at": now} for m, k in values.items()]
        )
    report.stored = len(values)
    audit(
        session,
        user,
        "import_kpj",
        filename[:100],
        "",
        {"rows": report.rows, "stored": report.stored, "bad": len(report.bad)},
    )
    session.commit()
    return report
