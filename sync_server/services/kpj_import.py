"""Importing BPJS membership numbers (KPJ) back: a spreadsheet of NIK and KPJ per row.

Rows are matched to members by NIK; a KPJ is 11 digits (BPJS's card number). Rows
that cannot be used are reported with their line and why, and nothing about them is
stored; good rows are stored even when others are bad (the report says which).

An uploaded spreadsheet is untrusted: a 200 KB .xlsx can hold 2 million rows (it froze
the server for 324 s). So before openpyxl parses anything, the zip archive's entries,
total uncompressed size and compression ratio are checked (zipfile enforces the sizes
the archive declares); while reading, rows and columns are capped, and a long run of
empty rows ends the table. XML entities and DTDs are refused (openpyxl parses through
defusedxml when it is installed, as the server extra requires). Callers run
`read_rows` off the event loop: it is CPU work of seconds.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlmodel import Session

from sync_server.db import dialect_insert
from sync_server.models import Member, MemberKpj, User, utcnow
from sync_server.services.audit import audit

MAX_ROWS = 100_000  # data rows with a NIK or a KPJ
MAX_LINES = MAX_ROWS + 10_000  # every row read, empty ones too
MAX_EMPTY_RUN = 1_000  # this many empty rows in a row end the table (formatting only)
MAX_COLUMNS = 50  # the NIK and KPJ columns must be among the first 50
# A real 100,000-row, 8-column sheet unpacks to ~50 MB at a ratio of ~11.
MAX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_RATIO = 100
MAX_ENTRIES = 500
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
    """(line, NIK, KPJ) of every data row in an .xlsx or .csv with NIK and KPJ headers.

    Slow on a large file (seconds of CPU): call it in a worker thread, with no
    database transaction open.
    """
    if filename.lower().endswith(".xlsx") or data[:2] == b"PK":
        check_archive(data)
        # Imported here: openpyxl (and numpy behind it) costs every server start ~0.15 s.
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # an uploaded file: openpyxl fails in many ways on a broken one
            raise ImportFileError("file_unreadable") from None
        try:
            return _table_rows(wb.worksheets[0].iter_rows(max_col=MAX_COLUMNS, values_only=True))
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
        return _table_rows(row[:MAX_COLUMNS] for row in csv.reader(io.StringIO(text), dialect))
    except csv.Error:  # e.g. a field over the csv module's size limit
        raise ImportFileError("file_unreadable") from None


def check_archive(data: bytes) -> None:
    """Refuse an .xlsx whose zip would unpack into too much (a "zip bomb"), judged from
    its directory alone: ImportFileError("file_unreadable" or "file_expands")."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise ImportFileError("file_unreadable") from None
    if len(entries) > MAX_ENTRIES:
        raise ImportFileError("file_expands")
    total = sum(e.file_size for e in entries)
    if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(len(data), 1):
        raise ImportFileError("file_expands")


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
    empty_run = 0
    for line, row in enumerate(rows_in, start=2):
        if line > MAX_LINES:
            raise ImportFileError("too_many_rows")
        nik = _cell(row[ni]) if ni < len(row) else ""
        kpj = _cell(row[ki]) if ki < len(row) else ""
        if not (nik or kpj):
            empty_run += 1
            if empty_run >= MAX_EMPTY_RUN:
                break  # the rest is formatting, not data
            continue
        empty_run = 0
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


def store_kpj(
    *, session: Session, filename: str, rows: list[tuple[int, str, str]], user: User
) -> ImportReport:
    """Store the KPJ of every good row of `rows` (from `read_rows`); audited."""
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
    return report
