"""Batch card PDFs drawn in the background: start a job, watch its progress, fetch the PDF.

A kecamatan's 15,000 cards take about half a minute to draw, too long for one HTTP
request, so the desk starts a job and its page polls. The drawing (QR codes, Ed25519
signatures, reportlab: pure CPU) runs in a child *process*, so the web worker that
started it keeps answering tablets and desk pages: in a thread it would hold the GIL
for the whole batch. The child is started with "spawn" (a fresh interpreter, never a
fork of a worker holding database connections and threads); it gets the job, the
settings and the signing key that was active at the start (through the pipe the child
is started with, never on disk or a command line), makes its own database engine, and
writes the job's state, the heartbeat included, and the PDF itself. A watcher thread in the worker
waits for it and fails the job if the child ended without a final state (crashed or
was killed).

Each job is a small JSON state file beside its PDF in DATA_DIR/print_jobs/, both
written atomically (temporary file + os.replace). Every worker process reads the
same files, so with `serve --workers 2` the progress page and the download work
whichever worker answers.

Running jobs are lost on a restart (acceptable: print again from the desk): the
worker stops its child on shutdown (the job fails as stopped), a child whose worker
was killed stops by itself (as interrupted), and a job whose processes both vanished
no longer refreshes its state and shows as interrupted.
Finished jobs are kept a day, at most KEEP_FINISHED of them, then deleted with their
PDFs, so personal data does not pile up on disk.

One batch draws at a time: the server has 2 cores and tablets keep syncing. A start
while another job runs is refused with `BusyError`, which names the running job.
(Two worker processes starting a job in the same instant could both go ahead; that
only costs time, so no lock across processes.)
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import re
import secrets
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from sync_server.config import Settings
from sync_server.models import utcnow
from sync_server.services.card_batches import BatchError, batch_pdf
from sync_server.services.print_job_records import (
    DONE,
    FAILED,
    MESSAGES,
    RUNNING,
    Job,
    Selection,
)
from sync_server.services.signing import Signer

log = logging.getLogger(__name__)
# Re-exported: callers know a job by the runner's module.
__all__ = ["DONE", "FAILED", "MESSAGES", "RUNNING", "BusyError", "Job", "PrintJobs", "Selection"]

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
#: "spawn", never "fork": a worker holds database connections, locks and threads.
_PROCESSES = multiprocessing.get_context("spawn")

_ID = re.compile(r"[A-Za-z0-9_-]{22}")  # secrets.token_urlsafe(16)


class BusyError(RuntimeError):
    """Another batch is drawing now; `job` is that one."""

    def __init__(self, job: Job):
        super().__init__(job.id)
        self.job = job


class _Stop(Exception):
    """Raised from the progress callback to abandon the drawing; `code` says why."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


@dataclass
class _Run:
    """A job drawing in a child process of this one, and the thread watching it."""

    job_id: str
    process: Any  # multiprocessing's SpawnProcess
    watcher: threading.Thread | None = None


class PrintJobs:
    """The job runner of one server process (shared state lives in files, see above)."""

    def __init__(self, *, settings: Settings):
        self._settings = settings
        self._dir = settings.data_dir / JOBS_DIR
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)  # PDFs hold personal data
        self._lock = threading.Lock()  # one start at a time in this process
        self._finish_lock = threading.Lock()  # one final state per job
        self._stop = threading.Event()
        self._runs: list[_Run] = []
        self._sweep()

    def start(self, selection: Selection, *, total: int, started_by: str, signer: Signer) -> str:
        """Start drawing `selection` (`total` cards, counted by the caller) with `signer`
        in a child process; its job id.

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
            key = (signer.kid, signer.private_key.private_bytes_raw())  # through a pipe
            process = _PROCESSES.Process(
                target=_draw,
                # `batch_pdf` as this module sees it now (tests put a stand-in there).
                args=(job.to_json(), self._settings, key, os.getpid(), batch_pdf),
                name=f"print-job-{job.id[:6]}",
                daemon=True,  # also terminated if this process exits normally
            )
            run = _Run(job.id, process)
            try:
                process.start()
            except Exception:
                log.exception("print job %s: the drawing process did not start", job.id)
                job.state, job.message = FAILED, MESSAGES["internal"]
                self._save(job)
                return job.id
            run.watcher = threading.Thread(
                target=self._watch, args=(run,), name=f"print-watch-{job.id[:6]}", daemon=True
            )
            self._runs = [r for r in self._runs if r.watcher and r.watcher.is_alive()] + [run]
            run.watcher.start()
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
        """Stop running jobs (they end as failed, "stopped") and wait briefly for them."""
        self._stop.set()
        with self._lock:  # no start in between
            runs = list(self._runs)
        for run in runs:
            with contextlib.suppress(ValueError):  # already closed: it ended
                if run.process.is_alive():
                    run.process.terminate()  # the child stops at its next card
        deadline = time.monotonic() + SHUTDOWN_WAIT_SECONDS
        for run in runs:
            if run.watcher:
                run.watcher.join(max(0.0, deadline - time.monotonic()))
            if run.watcher and run.watcher.is_alive():  # stuck, e.g. in a long query
                with contextlib.suppress(ValueError):
                    run.process.kill()
                run.watcher.join(SHUTDOWN_WAIT_SECONDS)
            self._finish(run.job_id, None)

    def _watch(self, run: _Run) -> None:
        """Wait for the child of `run`; fail its job if it ended without saying how."""
        run.process.join()
        self._finish(run.job_id, run.process.exitcode)

    def _finish(self, job_id: str, exitcode: int | None) -> None:
        with self._finish_lock:
            try:
                job = Job.from_json((self._dir / f"{job_id}.json").read_text(encoding="utf-8"))
            except (OSError, ValueError, KeyError, TypeError):
                return  # deleted or damaged: nothing to tell anyone
            if job.state != RUNNING:
                return  # the child wrote its final state
            if self._stop.is_set():
                job.state, job.message = FAILED, MESSAGES["stopped"]
            else:
                log.error("print job %s: the drawing process died (exit code %s)", job_id, exitcode)
                job.state, job.message = FAILED, MESSAGES["internal"]
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
        _save(self._dir, job)

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


def _draw(
    job_json: str,
    settings: Settings,
    key: tuple[str, bytes],
    parent_pid: int,
    draw: Callable[..., bytes],
) -> None:
    """The child process: draw the job's PDF with `draw` (`card_batches.batch_pdf`),
    keeping its state file up to date, and write the PDF and the final state."""
    from sync_server.db import make_engine  # here: the worker never needs it for this

    stop_requested = False

    def on_term(_signum: int, _frame: object) -> None:
        nonlocal stop_requested
        stop_requested = True  # stop cleanly at the next card, not mid-write

    # Ctrl-C reaches the whole process group: the worker decides when the job stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, on_term)
    logging.basicConfig(
        level=logging.INFO,
        stream=sys.stderr,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    jobs_dir = settings.data_dir / JOBS_DIR
    job = Job.from_json(job_json)
    job.pid = os.getpid()
    _save(jobs_dir, job)
    last_write = time.monotonic()

    def progress(done: int, total: int) -> None:
        nonlocal last_write
        if stop_requested:
            raise _Stop("stopped")
        if os.getppid() != parent_pid:  # the worker died (killed): nobody waits for this
            raise _Stop("interrupted")
        job.done, job.total = done, total
        if time.monotonic() - last_write >= HEARTBEAT_SECONDS:
            last_write = time.monotonic()
            _save(jobs_dir, job)

    engine = make_engine(settings.database_url)
    try:
        kid, raw = key
        signer = Signer(kid, Ed25519PrivateKey.from_private_bytes(raw))
        with Session(engine) as session:
            pdf = draw(
                session,
                **job.selection.criteria(),
                progress=progress,
                settings=settings,
                signer=signer,
                max_cards=MAX_CARDS,
            )
        _write_atomic(jobs_dir / f"{job.id}.pdf", pdf)
        job.state, job.size = DONE, len(pdf)
    except _Stop as stop:
        job.state, job.message = FAILED, MESSAGES[stop.code]
    except BatchError as exc:  # the cards changed since the caller counted them
        job.state, job.message = FAILED, MESSAGES.get(exc.code, MESSAGES["internal"])
    except Exception:
        log.exception("print job %s (%s) failed", job.id, job.selection.label())
        job.state, job.message = FAILED, MESSAGES["internal"]
    finally:
        engine.dispose()
    _save(jobs_dir, job)


def _save(jobs_dir: Path, job: Job) -> None:
    job.updated = time.time()
    _write_atomic(jobs_dir / f"{job.id}.json", job.to_json().encode())


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
