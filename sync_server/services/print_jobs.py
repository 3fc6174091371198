"""Batch card PDFs drawn in the background: start a job, watch its progress, fetch the PDF.

A kecamatan's 15,000 cards take about a minute to draw, too long for one HTTP
request, so the desk starts a job and its page polls. The drawing runs in a daemon
thread of the process that started it, with a database session of its own.

Each job is a small JSON state file beside its PDF in DATA_DIR/print_jobs/, both
written atomically (temporary file + os.replace). Every worker process reads the
same files, so with `serve --workers 2` the progress page and the download work
whichever worker answers.

Running jobs are lost on a restart (acceptable: print again from the desk): a job
whose process stopped no longer refreshes its state and shows as interrupted.
Finished jobs are kept a day, at most KEEP_FINISHED of them, then deleted with their
PDFs, so personal data does not pile up on disk.

One batch draws at a time: the server has 2 cores and tablets keep syncing. A start
while another job runs is refused with `BusyError`, which names the running job.
(Two worker processes starting a job in the same instant could both go ahead; that
only costs time, so no lock across processes.)
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from sync_server.config import Settings
from sync_server.models import utcnow
from sync_server.services.card_batches import PER_PAGE, BatchError, area_labels, batch_pdf
from sync_server.services.signing import Signer

log = logging.getLogger(__name__)

JOBS_DIR = "print_jobs"
#: Most cards in one job: the PDF (about 2.7 kB a card) is built in memory.
MAX_CARDS = 50_000
KEEP_FINISHED = 10
MAX_AGE_SECONDS = 24 * 3600
#: How often a running job rewrites its state file (its progress and heartbeat).
HEARTBEAT_SECONDS = 0.5
#: A running job whose state is older than this lost its process (restart or crash):
#: a page of 10 cards takes well under a second, even on a busy machine.
STALE_SECONDS = 120.0
SHUTDOWN_WAIT_SECONDS = 5.0

RUNNING, DONE, FAILED = "running", "done", "failed"
_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)

MESSAGES = {
    "no_cards": "Tidak ada kartu untuk dicetak / There are no cards to print",
    "batch_too_large": "Terlalu banyak kartu untuk satu PDF / Too many cards for one PDF",
    "stopped": (
        "Dihentikan karena server dimatikan; cetak lagi dari halaman Kartu"
        " / Stopped because the server shut down; print again from the Cards page"
    ),
    "interrupted": (
        "Terputus karena server dimulai ulang; cetak lagi dari halaman Kartu"
        " / Interrupted by a server restart; print again from the Cards page"
    ),
    "internal": (
        "PDF gagal dibuat; coba lagi, atau hubungi administrator"
        " / The PDF could not be made; try again, or call the administrator"
    ),
}


@dataclass(frozen=True)
class Selection:
    """What a job prints: a kecamatan or a desa, or the cards reissued since a date
    (optionally within a kecamatan or desa). Checked by `card_batches`."""

    kecamatan: str | None = None
    desa: str | None = None
    reprints_since: date | None = None

    @classmethod
    def of(cls, area: str = "", reprints_since: date | None = None) -> Selection:
        """From the desk's area field (a desa code has four parts) and a reprint date."""
        area = area.strip()
        is_desa = area.count(".") == 3
        return cls(
            kecamatan=None if is_desa else (area or None),
            desa=area if is_desa else None,
            reprints_since=reprints_since,
        )

    @property
    def area(self) -> str:
        """The area code, or "" for the whole regency (reprint lists only)."""
        return self.desa or self.kecamatan or ""

    def criteria(self) -> dict[str, Any]:
        """Keyword arguments for `card_batches.batch_pdf` and `count_cards`."""
        return {
            "kecamatan": self.kecamatan,
            "desa": self.desa,
            "reprints_since": self.reprints_since,
        }

    def label(self) -> str:
        """What is printed, for people: "Kec. Selong (52.03.07)"."""
        parts = area_labels(kecamatan=self.kecamatan, desa=self.desa)
        if self.reprints_since:
            day = f"{self.reprints_since:%d-%m-%Y}"
            parts.append(f"Cetak ulang sejak {day} / Reprints since {day}")
        return " — ".join(parts)


@dataclass
class Job:
    """One batch PDF: its selection, who asked, and how far the drawing got."""

    id: str
    selection: Selection
    started_by: str
    created: datetime  # UTC, naive like every timestamp of the server
    total: int = 0
    done: int = 0
    state: str = RUNNING
    message: str = ""  # why it failed, "Indonesia / English"; never a traceback
    size: int = 0  # bytes of the finished PDF
    updated: float = field(default_factory=time.time)  # wall clock: shared by processes

    @property
    def pages(self) -> int:
        """A4 sheets the batch fills."""
        return (self.total + PER_PAGE - 1) // PER_PAGE

    @property
    def percent(self) -> int:
        """Progress, 0 to 100."""
        return 100 if self.total <= 0 else min(100, self.done * 100 // self.total)

    @property
    def file_name(self) -> str:
        """The download's name: kartu-52.03.07-20261115.pdf, kartu-ulang-sejak-20261101-…"""
        parts = ["kartu"]
        if self.selection.reprints_since:
            parts.append(f"ulang-sejak-{self.selection.reprints_since:%Y%m%d}")
        if self.selection.area:
            parts.append(self.selection.area)
        parts.append(f"{self.created:%Y%m%d}")
        return "-".join(parts) + ".pdf"

    def to_json(self) -> str:
        """The state file's content."""
        since = self.selection.reprints_since
        return json.dumps(
            {
                "id": self.id,
                "kecamatan": self.selection.kecamatan,
                "desa": self.selection.desa,
                "reprints_since": since.isoformat() if since else None,
                "started_by": self.started_by,
                "created": self.created.isoformat(),
                "total": self.total,
                "done": self.done,
                "state": self.state,
                "message": self.message,
                "size": self.size,
                "updated": self.updated,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> Job:
        """A job from its state file (ValueError/KeyError/TypeError if damaged)."""
        d = json.loads(text)
        since = d["reprints_since"]
        selection = Selection(
            kecamatan=d["kecamatan"],
            desa=d["desa"],
            reprints_since=date.fromisoformat(since) if since else None,
        )
        return cls(
            id=d["id"],
            selection=selection,
            started_by=d["started_by"],
            created=datetime.fromisoformat(d["created"]),
            total=int(d["total"]),
            done=int(d["done"]),
            state=d["state"],
            message=d["message"],
            size=int(d["size"]),
            updated=float(d["updated"]),
        )


class BusyError(RuntimeError):
    """Another batch is drawing now; `job` is that one."""

    def __init__(self, job: Job):
        super().__init__(job.id)
        self.job = job


class _Stopped(Exception):
    """Raised from the progress callback to abandon a job when the server stops."""


class PrintJobs:
    """The job runner of one server process (shared state lives in files, see above)."""

    def __init__(self, *, engine: Engine, settings: Settings):
        self._engine = engine
        self._settings = settings
        self._dir = settings.data_dir / JOBS_DIR
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # PDFs hold personal data
        self._lock = threading.Lock()  # one start at a time in this process
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._sweep()

    def start(self, selection: Selection, *, total: int, started_by: str, signer: Signer) -> str:
        """Start drawing `selection` (`total` cards, counted by the caller); its job id.

        Raises BusyError while another job runs. Selection errors (no cards, unknown
        area) end the job as failed; check with `card_batches.count_cards` first.
        """
        with self._lock:
            if self._stop.is_set():
                raise RuntimeError("the print job runner is shut down")
            self._sweep()
            running = [j for j in self._jobs() if j.state == RUNNING]
            if running:
                raise BusyError(running[0])
            job = Job(
                id=secrets.token_urlsafe(16),
                selection=selection,
                started_by=started_by,
                created=utcnow(),
                total=total,
            )
            self._save(job)
            thread = threading.Thread(
                target=self._run, args=(job, signer), name=f"print-job-{job.id[:6]}", daemon=True
            )
            self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()
        return job.id

    def get(self, job_id: str) -> Job | None:
        """The job with this id, or None (unknown, malformed, or deleted as old)."""
        if not _ID.fullmatch(job_id):
            return None  # also keeps any path out of the file name
        return self._read(self._dir / f"{job_id}.json")

    def pdf(self, job: Job) -> Path | None:
        """The finished PDF of `job`, or None if it is not done or already deleted."""
        path = self._dir / f"{job.id}.pdf"
        return path if job.state == DONE and path.is_file() else None

    def recent(self) -> list[Job]:
        """The kept jobs, newest first."""
        return sorted(self._jobs(), key=lambda j: j.created, reverse=True)

    def shutdown(self) -> None:
        """Stop running jobs (they end as failed) and wait briefly for their threads."""
        self._stop.set()
        deadline = time.monotonic() + SHUTDOWN_WAIT_SECONDS
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))

    def _run(self, job: Job, signer: Signer) -> None:
        last_write = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal last_write
            if self._stop.is_set():
                raise _Stopped
            job.done, job.total = done, total
            if time.monotonic() - last_write >= HEARTBEAT_SECONDS:
                last_write = time.monotonic()
                self._save(job)

        try:
            with Session(self._engine) as session:
                pdf = batch_pdf(
                    session,
                    **job.selection.criteria(),
                    progress=progress,
                    settings=self._settings,
                    signer=signer,
                    max_cards=MAX_CARDS,
                )
            _write_atomic(self._dir / f"{job.id}.pdf", pdf)
            job.state, job.size = DONE, len(pdf)
        except _Stopped:
            job.state, job.message = FAILED, MESSAGES["stopped"]
        except BatchError as exc:  # the cards changed since the caller counted them
            job.state, job.message = FAILED, MESSAGES.get(exc.code, MESSAGES["internal"])
        except Exception:
            log.exception("print job %s (%s) failed", job.id, job.selection.label())
            job.state, job.message = FAILED, MESSAGES["internal"]
        # (Anything worse, e.g. SystemExit, leaves the state running: it goes stale.)
        self._save(job)

    def _jobs(self) -> list[Job]:
        jobs = (self._read(p) for p in self._dir.glob("*.json"))
        return [j for j in jobs if j is not None]

    def _read(self, path: Path) -> Job | None:
        try:
            job = Job.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring damaged print job state %s", path.name)
            return None
        if job.state == RUNNING and time.time() - job.updated > STALE_SECONDS:
            job.state, job.message = FAILED, MESSAGES["interrupted"]
        return job

    def _save(self, job: Job) -> None:
        job.updated = time.time()
        _write_atomic(self._dir / f"{job.id}.json", job.to_json().encode())

    def _sweep(self) -> None:
        """Delete finished jobs older than a day or beyond the newest KEEP_FINISHED,
        and files no job owns (temporary files of a process that died mid-write)."""
        now = time.time()
        kept = set()
        finished = 0
        for job in self.recent():
            if job.state != RUNNING:
                if finished >= KEEP_FINISHED or now - job.updated > MAX_AGE_SECONDS:
                    self._delete(job.id)
                    continue
                finished += 1
            kept.add(job.id)
        for path in self._dir.iterdir():
            stray = path.suffix == ".pdf" and path.stem not in kept
            # A temporary file is written in well under a second: an old one is debris.
            if stray or (path.suffix == ".tmp" and now - _mtime(path) > STALE_SECONDS):
                path.unlink(missing_ok=True)

    def _delete(self, job_id: str) -> None:
        for suffix in (".pdf", ".json"):  # the state last: a PDF never outlives it unseen
            (self._dir / f"{job_id}{suffix}").unlink(missing_ok=True)


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return time.time()


def _write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` so readers see the old file or the whole new one, never
    half; the file is readable by the server's user only (mkstemp's mode 0600)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
