"""Helpers for tests of device areas: pair a tablet in an area, pull, read audit entries."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import httpx
import sqlalchemy as sa

from enrolment.protocol import PAIR_PATH
from tests.integration.conftest import ROOT, Server

SELONG, PRINGGABAYA, AIKMEL = "52.03.07", "52.03.08", "52.03.09"  # Aikmel


def pairing_code(server: Server, name: str, kecamatan: str) -> str:
    """`python -m sync_server pair --name NAME --kecamatan KEC` (the code on stdout)."""
    out = subprocess.run(
        [sys.executable, "-m", "sync_server", "pair", "--name", name, "--kecamatan", kecamatan],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return out.stdout.strip().splitlines()[-1]


def redeem(server: Server, code: str, name: str = "tablet") -> dict[str, Any]:
    """Pair over HTTP with `code`; the reply (`device_id`, `token`)."""
    r = httpx.post(
        server.url + PAIR_PATH,
        json={"code": code, "device_name": name, "officer": "Petugas Uji"},
    )
    assert r.status_code == 200, r.text
    return r.json()


def pair_in(server: Server, kecamatan: str, name: str = "tablet") -> str:
    """A device token for a tablet paired with the area `kecamatan` (e.g. `52.03.07`)."""
    return redeem(server, pairing_code(server, name, kecamatan), name)["token"]


def pull(server: Server, token: str, cursor: str = "", kec: str = "") -> dict[str, Any]:
    """GET /api/v1/sync/pull as a tablet; the reply must be 200."""
    r = httpx.get(
        server.url + "/api/v1/sync/pull",
        params={"cursor": cursor, "kec": kec},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    assert r.status_code == 200, r.text
    return r.json()


def audit_rows(server: Server, action: str) -> list[Any]:
    """The audit entries with `action`, oldest first."""
    with server.engine.connect() as conn:
        return list(
            conn.execute(
                sa.text(
                    "SELECT username, action, target, reason, details FROM audit_log"
                    " WHERE action = :a ORDER BY id"
                ),
                {"a": action},
            ).all()
        )
