"""Real processes for tests: the sync server under uvicorn and the field app in
Flet's web mode, each on a free loopback port, started and stopped like a person would."""

from __future__ import annotations

import gzip
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

from enrolment.protocol import PAIR_PATH, PUSH_PATH, record_to_wire
from enrolment.records import Enrolment

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
# A cold start (imports, migrations, first key) takes seconds alone but much longer on
# 2 shared cores under a parallel load; 30 s failed most integration tests there.
DEFAULT_START_TIMEOUT = 90.0


def start_timeout() -> float:
    """Seconds a child process gets to come up: `TEST_SERVER_START_TIMEOUT`, default 90."""
    raw = os.environ.get("TEST_SERVER_START_TIMEOUT", "")
    try:
        value = float(raw) if raw else DEFAULT_START_TIMEOUT
    except ValueError:
        raise ValueError(f"TEST_SERVER_START_TIMEOUT must be seconds, not {raw!r}") from None
    return value if value > 0 else DEFAULT_START_TIMEOUT


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float | None = None, proc: subprocess.Popen | None = None) -> None:
    """Poll `url` until it answers 200 (within `start_timeout()` unless given), or fail."""
    timeout = start_timeout() if timeout is None else timeout
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"process exited with {proc.returncode}")
        try:
            if httpx.get(url, timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise TimeoutError(f"{url} did not come up in {timeout}s")


def stop_child(proc: subprocess.Popen | None, grace: float = 10.0) -> None:
    """SIGTERM, then SIGKILL after `grace` seconds; always reaps, so nothing is leaked."""
    if proc is None or proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def await_start(proc: subprocess.Popen, url: str, log: Path, what: str) -> None:
    """Wait for `url`; if it never answers, stop `proc` (no leaked process) and raise
    RuntimeError with the tail of its log."""
    try:
        wait_for(url, proc=proc)
    except BaseException as exc:  # KeyboardInterrupt too: never leave a child behind
        stop_child(proc, grace=5)
        if not isinstance(exc, Exception):
            raise
        tail = log.read_text(errors="replace")[-3000:]
        raise RuntimeError(f"{what} did not start: {exc}\n{tail}") from exc


class ServerProcess:
    """The sync server as a subprocess: `start()`, `stop()`, `kill()`, `pairing_code()`."""

    def __init__(
        self,
        data_dir: Path,
        database_url: str | None = None,
        port: int | None = None,
        root: Path = ROOT,
    ):
        """`root`: the checkout to run (bench.ingest runs the previous commit's beside this one)."""
        self.root = root
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATA_DIR": str(data_dir),
            "PUBLIC_BASE_URL": self.url,
            "PYTHONPATH": str(root),
        }
        self.env.pop("SECRET_KEY", None)  # exercise the generated-secret path
        self.database_url = database_url or f"sqlite:///{data_dir / 'server.db'}"
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.log = data_dir / "server.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        """Start uvicorn and wait until /healthz answers; on failure the process is stopped."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "sync_server",
                    "serve",
                    "--host",
                    "127.0.0.1",
                    "--port",
                    str(self.port),
                ],
                cwd=self.root,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        await_start(self.proc, f"{self.url}/healthz", self.log, "server")
        return self

    def stop(self) -> None:
        """Stop gracefully (SIGTERM), SIGKILL if it is still running after 10 s."""
        stop_child(self.proc)

    def kill(self) -> None:
        """Kill at once (SIGKILL), as a power cut would."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def pairing_code(self, name: str = "test tablet") -> str:
        """A fresh single-use pairing code from the server's CLI."""
        out = subprocess.run(
            [sys.executable, "-m", "sync_server", "pair", "--name", name],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
        )
        return out.stdout.strip().splitlines()[-1]

    def pair(self, name: str = "tablet") -> str:
        """Pair a new device over HTTP and return its bearer token."""
        r = httpx.post(
            self.url + PAIR_PATH,
            json={"code": self.pairing_code(name), "device_name": name, "officer": "Petugas Uji"},
        )
        assert r.status_code == 200, r.text
        return r.json()["token"]

    def push(
        self, token: str | None, records: list[Enrolment | dict[str, Any]], *, gz: bool = False
    ) -> httpx.Response:
        """POST a push batch; Enrolments are sent in their wire form."""
        wire = [record_to_wire(r) if isinstance(r, Enrolment) else r for r in records]
        body = json.dumps({"proto": 1, "records": wire}).encode()
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if gz:
            body = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
        return httpx.post(self.url + PUSH_PATH, content=body, headers=headers, timeout=60)


class FieldAppProcess:
    """The field app served by Flet in web mode (no CDN: works offline)."""

    def __init__(self, data_dir: Path):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "FLET_FORCE_WEB_SERVER": "1",
            "FLET_WEB_NO_CDN": "1",
            "FLET_SERVER_PORT": str(self.port),
            "FLET_SERVER_IP": "127.0.0.1",
            "FLET_APP_STORAGE_DATA": str(data_dir),
        }
        self.log = data_dir / "app.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> FieldAppProcess:
        """Start the app and wait for its page."""
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "field_app.main"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        await_start(self.proc, self.url, self.log, "field app")
        return self

    def stop(self) -> None:
        """Stop the app process (SIGTERM, then SIGKILL after 10 s)."""
        stop_child(self.proc)
