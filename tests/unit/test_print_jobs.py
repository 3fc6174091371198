"""The batch-PDF job runner: the drawing runs in a child process (stand-ins for it, and
once the real one on a SQLite file): progress, one job at a time, plain failure
messages, shutdown, crashes and restarts, and the clean-up of old PDFs.

The stand-ins run in the child, so they are module-level functions (the child imports
them by name) and talk to the test through files in DATA_DIR."""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlmodel import Session

from enrolment.protocol import record_to_wire
from sync_server.config import Settings
from sync_server.db import make_engine, migrate
from sync_server.models import Device
from sync_server.services import ingest, print_jobs
from sync_server.services.card_batches import BatchError, count_cards
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
from sync_server.services.signing import Signer, load_or_create_signer
from tests.conftest import person

KEC = Selection.of("52.03.07")
SIGNER = Signer("k1", Ed25519PrivateKey.generate())  # the stand-ins never sign


def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def wait_until(check: Callable[[], bool], timeout: float = 10) -> None:
    """Poll `check` until it holds."""
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    # A real database file: the child makes its own engine (stand-ins never query it).
    db = tmp_path / "server.db"
    return Settings(tmp_path, f"sqlite:///{db}", "http://127.0.0.1:8700", "rahasia")


@pytest.fixture
def runner(settings: Settings) -> Iterator[PrintJobs]:
    jobs = PrintJobs(settings=settings)
    yield jobs
    jobs.shutdown()


def fake_drawing(monkeypatch: pytest.MonkeyPatch, body: Callable[..., bytes]) -> None:
    """Draw with `body` (a module-level function, run in the child) instead of batch_pdf."""
    monkeypatch.setattr(print_jobs, "batch_pdf", body)


def wait_for_file(path: Path, timeout: float = 30) -> None:
    """In the child: wait until the test creates `path`."""
    deadline = time.monotonic() + timeout
    while not path.exists():
        if time.monotonic() > deadline:
            raise TimeoutError(path)
        time.sleep(0.01)


# Stand-ins for card_batches.batch_pdf, run in the child process.


def _every_call_shows() -> None:
    # The child imported print_jobs afresh: a monkeypatch of the test does not reach it.
    print_jobs.HEARTBEAT_SECONDS = 0.0  # each progress call is written


def gated_drawing(
    _session: object, *, progress: Callable[[int, int], None], settings: Settings, **_: object
) -> bytes:
    """10 of 25 cards, then wait for the test's "release" file."""
    _every_call_shows()
    progress(0, 25)
    progress(10, 25)
    wait_for_file(settings.data_dir / "release")
    progress(25, 25)
    return f"%PDF-1.4 kartu {os.getpid()}".encode()


def failing_drawing(_session: object, **_: object) -> bytes:
    raise RuntimeError("boom: /srv/secret")


def refused_drawing(_session: object, **_: object) -> bytes:
    raise BatchError("no_cards")


def crashing_drawing(_session: object, **_: object) -> bytes:
    os._exit(3)  # like a segfault or the OOM killer: no final state written


def endless_drawing(
    _session: object, *, progress: Callable[[int, int], None], **_: object
) -> bytes:
    _every_call_shows()
    for done in range(10**6):
        progress(done, 10**6)
        time.sleep(0.001)
    return b""


def quick_drawing(_session: object, **_: object) -> bytes:
    return b"%PDF"


def finished(runner: PrintJobs, job_id: str, timeout: float = 60) -> Job:
    """The job once it stopped running (a child process takes a moment to start)."""
    wait_until(lambda: (j := runner.get(job_id)) is not None and j.state != RUNNING, timeout)
    job = runner.get(job_id)
    assert job is not None
    return job


def test_progress_one_job_at_a_time_and_the_pdf(
    runner: PrintJobs, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake_drawing(monkeypatch, gated_drawing)
    job_id = runner.start(KEC, total=25, started_by="koord", signer=SIGNER)
    wait_until(lambda: runner.get(job_id).done == 10, timeout=60)  # type: ignore[union-attr]
    job = runner.get(job_id)
    assert job is not None and (job.state, job.total, job.percent) == (RUNNING, 25, 40)
    # Drawn by another process, which this one is not held up by.
    assert job.pid not in (0, os.getpid())
    assert runner.pdf(job) is None
    # A second batch waits for the first: refused, naming the running one.
    with pytest.raises(BusyError) as busy:
        runner.start(Selection.of("52.03.07.1001"), total=3, started_by="x", signer=SIGNER)
    assert busy.value.job.id == job_id
    # Another worker process sees the same job through the files.
    other = PrintJobs(settings=settings)
    assert other.get(job_id).done == 10  # type: ignore[union-attr]

    (settings.data_dir / "release").touch()
    job = finished(runner, job_id)
    assert (job.state, job.done, job.pages, job.message) == (DONE, 25, 3, "")
    path = runner.pdf(job)
    assert path is not None and path.read_bytes() == f"%PDF-1.4 kartu {job.pid}".encode()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # personal data
    assert not list(path.parent.glob("*.tmp"))
    assert job.started_by == "koord"
    # The runner is free again.
    assert runner.start(KEC, total=25, started_by="koord", signer=SIGNER) != job_id


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (failing_drawing, MESSAGES["internal"]),
        (refused_drawing, MESSAGES["no_cards"]),
        (crashing_drawing, MESSAGES["internal"]),  # the child died: the watcher tells
    ],
)
def test_a_failure_is_a_plain_message(
    runner: PrintJobs, monkeypatch: pytest.MonkeyPatch, body: Callable[..., bytes], message: str
) -> None:
    fake_drawing(monkeypatch, body)
    job = finished(runner, runner.start(KEC, total=5, started_by="koord", signer=SIGNER))
    assert (job.state, job.message) == (FAILED, message)
    assert " / " in job.message and "boom" not in job.message and "Traceback" not in job.message
    assert runner.pdf(job) is None


def test_shutdown_stops_a_running_job(runner: PrintJobs, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_drawing(monkeypatch, endless_drawing)
    job_id = runner.start(KEC, total=10**6, started_by="koord", signer=SIGNER)
    wait_until(lambda: runner.get(job_id).done > 0, timeout=60)  # type: ignore[union-attr]
    pid = runner.get(job_id).pid  # type: ignore[union-attr]
    runner.shutdown()
    job = runner.get(job_id)
    assert job is not None and (job.state, job.message) == (FAILED, MESSAGES["stopped"])
    assert not process_exists(pid)
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
    fake_drawing(monkeypatch, quick_drawing)
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

    jobs = PrintJobs(settings=settings)
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


def test_the_real_drawing_in_a_child_process(settings: Settings) -> None:
    """The child makes its own engine on the server's database and signs with the key
    active at the start; its PDF holds the selected cards."""
    migrate(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        with Session(engine) as session:
            signer = load_or_create_signer(session=session, secret_key=settings.secret_key)
            device = Device(name="tablet", token_hash="0" * 64)
            session.add(device)
            session.commit()
            records = [record_to_wire(person(n, village="52.03.07.1001")) for n in range(1, 13)]
            records.append(record_to_wire(person(20, village="52.03.09.2001")))
            ingest.push(
                session=session, device=device, records=records, signer=signer, valid_years=5
            )
            total = count_cards(session, **KEC.criteria())
    finally:
        engine.dispose()
    assert total == 12

    jobs = PrintJobs(settings=settings)
    try:
        job = finished(jobs, jobs.start(KEC, total=total, started_by="koord", signer=signer))
    finally:
        jobs.shutdown()
    assert (job.state, job.done, job.pages, job.message) == (DONE, 12, 2, ""), job.message
    assert job.pid not in (0, os.getpid())
    path = jobs.pdf(job)
    assert path is not None and path.read_bytes().startswith(b"%PDF") and job.size > 5000
