"""Shared fixtures: valid people to enrol, and helpers to build records."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator

import pytest

from enrolment.records import Consent, Enrolment, new_client_id

IN_CI = bool(os.environ.get("CI"))


def need(condition: bool, reason: str) -> None:
    """Skip locally when a real component is missing; in CI that is a failure."""
    if condition:
        return
    if IN_CI:
        pytest.fail(f"required in CI: {reason}")
    pytest.skip(reason)


def nik_for(
    serial: int,
    *,
    day: int = 17,
    month: int = 8,
    year: int = 1985,
    female: bool = False,
    kecamatan: str = "07",
) -> str:
    """A structurally valid Lombok Timur NIK."""
    dd = day + 40 if female else day
    return f"5203{kecamatan}{dd:02d}{month:02d}{year % 100:02d}{serial:04d}"


_CONSONANTS = "bcdfghjklmnprstwyz"


def person_name(serial: int) -> str:
    """A name of its own for test person `serial`: "Uji" and a word made from the
    serial's hash. People of the default birth date, sex and village must not resemble
    each other, or ingest holds them as likely duplicates (services/ingest_hold.py):
    any two of the first 4,000 score at most 80 (the cutoff is 85)."""
    digest = hashlib.sha256(str(serial).encode()).digest()
    letters = [_CONSONANTS[b % len(_CONSONANTS)] for b in digest[:12]]
    return "Uji " + "".join(letters).capitalize()


def person(
    serial: int = 1,
    *,
    name: str | None = None,
    female: bool = False,
    day: int = 17,
    month: int = 8,
    year: int = 1985,
    version: int = 1,
    client_id: str | None = None,
    village: str = "52.03.07.1001",
    segment: str = "tobacco_farmer",
) -> Enrolment:
    """A valid enrolment for test person number `serial`."""
    full_name = name or person_name(serial)
    return Enrolment(
        client_id=client_id or new_client_id(),
        version=version,
        nik=nik_for(serial, day=day, month=month, year=year, female=female),
        full_name=full_name,
        birth_date=f"{year:04d}-{month:02d}-{day:02d}",
        sex="F" if female else "M",
        village_code=village,
        phone="081234567890",
        segment=segment,
        consent=Consent(given=True, by=full_name, method="ticked", at="2026-11-25T03:00:00Z"),
        created_at="2026-11-25T03:00:00Z",
    )


# One browser at a time: Playwright's sync API cannot be started twice in one process.
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Headless Debian Chromium, started once per test module (and stopped after it, so
    Playwright's event loop is gone before plain asyncio tests run)."""
    need(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()
