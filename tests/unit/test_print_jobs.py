"""The batch-PDF job runner, with a stand-in for the drawing: progress, one job at a
time, plain failure messages, shutdown, restarts, and the clean-up of old PDFs."""

from __future__ import annotations

import os
import stat
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from sync_server.config import Settings
from sync_server.services import print_jobs
from sync_server.services.card_batches import BatchError
from sync_server.services.print_jobs import (
    DONE,
    FAILED,
    KEEP_FINISHED,
    MESSAGES,
    RUNNING,
    BusyError,
    Job,
    PrintJobs,
    Selection,
)

KEC = Selection.of("52.03.07")
SIGNER: Any = object()  # the stand-in drawing never signs


def wait_until(check: Callable[[], bool], timeout: float = 10) -> None:
    """Poll `check` until it holds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(tmp_path, "sqlite://", "http://127.0.0.1:8700", "rahasia")


@pytest.fixture
def runner(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[PrintJobs]:
    monkeypatch.setattr(print_jobs, "HEARTBEAT_SECONDS", 0.0)  # every progress call shows
    engine = sa.create_engine("sqlite://")  # the stand-in never queries it
    jobs = PrintJobs(engine=engine, settings=settings)
    yield jobs
    jobs.shutdown()
    engine.dispose()


def fake_drawing(monkeypatch: pytest.MonkeyPatch, body: Callable[..., bytes]) -> None:
    """Replace the real drawing with `body(progress=...)`."""

    def batch_pdf(_session: object, *, progress: Callable[[int, int], None], **_: object) -> bytes:
        return body(progress=progress)

    monkeypatch.setattr(print_jobs, "batch_pdf", batch_pdf)


def finished(runner: PrintJobs, job_id: str) -> Job:
    """The job once it stopped running."""
    wait_until(lambda: (j := runner.get(job_id)) is not None and j.state != RUNNING)
    job = runner.get(job_id)
    assert job is not None
    return job


def test_progress_one_job_at_a_time_and_the_pdf(
    runner: PrintJobs, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    halfway, release = threading.Event(), threading.Event()

    def body(progress: Callable[[int, int], None]) -> bytes:
        progress(0, 25)
        progress(10, 25)
        halfway.set()
        assert release.wait(10)
        progress(25, 25)
        return b"%PDF-1.4 kartu"

    fake_drawing(monkeypatch, body)
    job_id = runner.start(KEC, total=25, started_by="koord", signer=SIGNER)
    assert halfway.wait(10)
    wait_until(lambda: runner.get(job_id).done == 10)  # type: ignore[union-attr]
    job = runner.get(job_id)
    assert job is not None and (job.state, job.total, job.percent) == (RUNNING, 25, 40)
    assert runner.pdf(job) is None
    # A second batch waits for the first: refused, naming the running one.
    with pytest.raises(BusyError) as busy:
        runner.start(Selection.of("52.03.07.1001"), total=3, started_by="x", signer=SIGNER)
    assert busy.value.job.id == job_id
    # Another worker process sees the same job through the files.
    other = PrintJobs(engine=sa.create_engine("sqlite://"), settings=settings)
    assert other.get(job_id).done == 10  # type: ignore[union-attr]

    release.set()
    job = finished(runner, job_id)
    assert (job.state, job.done, job.pages, job.message) == (DONE, 25, 3, "")
    path = runner.pdf(job)
    assert path is not None and path.read_bytes() == b"%PDF-1.4 kartu"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data
    assert not list(path.parent.glob("*.tmp"))
    assert job.started_by == "koord"
    # The runner is free again.
    assert runner.start(KEC, total=25, started_by="koord", signer=SIGNER) != job_id


@pytest.mark.parametrize(
    ("error", "message"),
    [
        (RuntimeError("boom: /srv/secret"), MESSAGES["internal"]),
        (BatchError("no_cards"), MESSAGES["no_cards"]),
    ],
)
def test_a_failure_is_a_plain_message(
    runner: PrintJobs, monkeypatch: pytest.MonkeyPatch, error: Exception, message: str
) -> None:
    def body(progress: Callable[[int, int], None]) -> bytes:
        raise error

    fake_drawing(monkeypatch, body)
    job = finished(runner, runner.start(KEC, total=5, started_by="koord", signer=SIGNER))
    assert (job.state, job.message) == (FAILED, message)
    assert " / " in job.message and "boom" not in job.message and "Traceback" not in job.message
    assert runner.pdf(job) is None


def test_shutdown_stops_a_running_job(runner: PrintJobs, monkeypatch: pytest.MonkeyPatch) -> None:
    def body(progress: Callable[[int, int], None]) -> bytes:
        for done in range(10**6):
            progress(done, 10**6)
            time.sleep(0.001)
        return b""

    fake_drawing(monkeypatch, body)
    job_id = runner.start(KEC, total=10**6, started_by="koord", signer=SIGNER)
    wait_until(lambda: runner.get(job_id).done > 0)  # type: ignore[union-attr]
    runner.shutdown()
    job = runner.get(job_id)
    assert job is not None and (job.state, job.message) == (FAILED, MESSAGES["stopped"])
    with pytest.raises(RuntimeError):
        runner.start(KEC, total=1, started_by="koord", signer=SIGNER)


def test_a_job_whose_process_died_shows_as_interrupted(
    runner: PrintJobs, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    lost = Job(id="L" * 22, selection=KEC, started_by="koord", created=datetime(2026, 11, 1))
    lost.updated = time.time() - print_jobs.STALE_SECONDS - 1
    (settings.data_dir / "print_jobs" / f"{lost.id}.json").write_text(lost.to_json())
    job = runner.get(lost.id)
    assert job is not None and (job.state, job.message) == (FAILED, MESSAGES["interrupted"])
    # It does not block new jobs.
    fake_drawing(monkeypatch, lambda progress: b"%PDF")
    assert finished(runner, runner.start(KEC, total=1, started_by="k", signer=SIGNER)).state == DONE


def test_old_jobs_and_debris_are_deleted(settings: Settings) -> None:
    folder = settings.data_dir / "print_jobs"
    folder.mkdir()
    now = time.time()
    ids = []
    for i in range(KEEP_FINISHED + 3):
        job = Job(
            id=f"{i:022d}",
            selection=KEC,
            started_by="koord",
            created=datetime(2026, 11, 1) + timedelta(minutes=i),
            state=DONE,
        )
        job.updated = now - 2 * 86400 if i == KEEP_FINISHED + 2 else now
        (folder / f"{job.id}.json").write_text(job.to_json())
        (folder / f"{job.id}.pdf").write_bytes(b"%PDF")
        ids.append(job.id)
    old_youngest = ids.pop()  # the newest, but finished two days ago
    (folder / "orphan.pdf").write_bytes(b"%PDF")
    (folder / ".x.tmp").write_bytes(b"half")
    os.utime(folder / ".x.tmp", (now - 3600, now - 3600))
    (folder / ".fresh.tmp").write_bytes(b"being written")
    (folder / "damaged.json").write_text("{not json")

    jobs = PrintJobs(engine=sa.create_engine("sqlite://"), settings=settings)
    kept = {j.id for j in jobs.recent()}
    assert kept == set(ids[-KEEP_FINISHED:])  # the newest handful
    assert jobs.get(old_youngest) is None
    pdfs = {p.stem for p in folder.glob("*.pdf")}
    assert pdfs == kept  # deleted with their jobs; the orphan too
    assert not (folder / ".x.tmp").exists() and (folder / ".fresh.tmp").exists()


def test_ids_and_names() -> None:
    jobs = PrintJobs.__new__(PrintJobs)
    jobs._dir = Path("/nonexistent")
    for bad in ("", "../../secret_key", "A" * 21, "A" * 22 + "/", "A" * 21 + "."):
        assert jobs.get(bad) is None
    created = datetime(2026, 11, 15, 8, 30)
    job = Job(id="A" * 22, selection=KEC, started_by="k", created=created)
    assert job.file_name == "kartu-52.03.07-20261115.pdf"
    assert job.selection.label() == "Kec. Selong (52.03.07)"
    reprint = Job(
        id="A" * 22,
        selection=Selection.of("", date(2026, 11, 1)),
        started_by="k",
        created=created,
    )
    assert reprint.file_name == "kartu-ulang-sejak-20261101-20261115.pdf"
    assert Job.from_json(reprint.to_json()) == reprint
    assert Selection.of(" 52.03.07.1001 ").criteria() == {
        "kecamatan": None,
        "desa": "52.03.07.1001",
        "reprints_since": None,
    }
