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


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 30.0, proc: subprocess.Popen | None = None) -> None:
    """Poll `url` until it answers 200, or fail with the process's output."""
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


class ServerProcess:
    """The sync server as a subprocess: `start()`, `stop()`, `kill()`, `pairing_code()`."""

    def __init__(self, data_dir: Path, database_url: str | None = None, port: int | None = None):
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "DATA_DIR": str(data_dir),
            "PUBLIC_BASE_URL": self.url,
            "PYTHONPATH": str(ROOT),
        }
        self.env.pop("SECRET_KEY", None)  # exercise the generated-secret path
        self.database_url = database_url or f"sqlite:///{data_dir / 'server.db'}"
        if database_url:
            self.env["DATABASE_URL"] = database_url
        self.log = data_dir / "server.log"
        data_dir.mkdir(parents=True, exist_ok=True)
        self.proc: subprocess.Popen | None = None

    def start(self) -> ServerProcess:
        """Start uvicorn and wait until /healthz answers."""
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
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            wait_for(f"{self.url}/healthz", proc=self.proc)
        except Exception as exc:
            raise RuntimeError(
                f"server did not start: {exc}\n{self.log.read_text()[-3000:]}"
            ) from exc
        return self

    def stop(self) -> None:
        """Stop gracefully (SIGTERM)."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """Kill at once (SIGKILL), as a power cut would."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def pairing_code(self, name: str = "test tablet") -> str:
        """A fresh single-use pairing code from the server's CLI."""
        out = subprocess.run(
            [sys.executable, "-m", "sync_server", "pair", "--name", name],
            cwd=ROOT,
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
        wait_for(self.url, timeout=60, proc=self.proc)
        return self

    def stop(self) -> None:
        """Stop the app process."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
