"""The verification page on a phone: headless Chromium at 360 px, all four verdicts.

Screenshots land in test-output/screens/verify-<state>.png. The page must show the
masked NIK and never the full one, and fit the screen without sideways scrolling.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from enrolment.card_token import split_token, token_from_text
from enrolment.nik import mask_nik
from tests.conftest import nik_for, person
from tests.e2e.conftest import SCREENS
from tests.integration.cards_helpers import cli, png, qr_texts
from tests.integration.conftest import Server

pytestmark = [
    pytest.mark.browser,
    # The database plays no part in how a page looks: SQLite only.
    pytest.mark.parametrize("database_url", ["sqlite"], indirect=True),
]


@pytest.fixture
def phone_page(browser) -> Iterator[object]:
    """A 360 x 800 page in the session's headless Chromium."""
    ctx = browser.new_context(viewport={"width": 360, "height": 800}, device_scale_factor=2)
    yield ctx.new_page()
    ctx.close()


def card_url(server: Server, device: str, member_no: str) -> str:
    r = httpx.get(
        f"{server.url}/api/v1/cards/{member_no}.png",
        headers={"Authorization": f"Bearer {device}"},
    )
    return qr_texts(png(r.content))[0]


def test_verify_page_on_a_phone(server: Server, phone_page) -> None:
    device = server.pair()
    people = [
        person(1, name="Baiq Nurul Hidayati", female=True, segment="umkm_owner"),
        person(2, name="Lalu Muhammad Zainuddin", segment="construction_worker"),
        person(3, name="Inaq Rabiah", female=True, segment="tobacco_farmer"),
    ]
    # Member numbers follow NIK order within a batch, not list order: ask the reply.
    numbers = [server.push_results(device, [p])[p.client_id].member_no or "" for p in people]
    valid, revoked, expired = (card_url(server, device, n) for n in numbers)
    serial = split_token(token_from_text(revoked)).claims.serial
    cli(server, "revoke-card", str(serial), "--reason", "stolen")
    expired_id = int(numbers[2][2:])
    with server.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE cards SET issued_on = '2020-03-01', expires_on = '2025-03-01'"
            f" WHERE member_id = {expired_id}"
        )
    expired = card_url(server, device, numbers[2])  # re-signed with the backdated validity
    token = token_from_text(valid)
    forged = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
    cases = {
        "valid": (valid, "KARTU ASLI DAN BERLAKU", nik_for(1, female=True)),
        "revoked": (revoked, "KARTU SUDAH DICABUT", nik_for(2)),
        "expired": (expired, "KARTU ASLI, MASA BERLAKU HABIS", nik_for(3, female=True)),
        "not-genuine": (f"{server.url}/v/{forged}", "KARTU TIDAK ASLI", None),
    }
    SCREENS.mkdir(parents=True, exist_ok=True)
    page = phone_page
    for state, (url, headline, nik) in cases.items():
        page.goto(url)
        page.screenshot(path=str(SCREENS / f"verify-{state}.png"), full_page=True)
        shown = page.inner_text("body")
        assert headline in shown
        assert "Alasan:" in shown and "Reason:" in shown
        if nik is not None:
            assert mask_nik(nik) in shown
            assert nik not in page.content()
        else:
            assert "5203" not in page.content()
        # Mobile-first: nothing wider than the phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
