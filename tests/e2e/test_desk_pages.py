"""The coordinator's desk in headless Chromium: sign in, every page, a decision, sign out.

Screenshots land in test-output/screens/desk-*.png.
"""

from __future__ import annotations

import re

from tests.e2e.conftest import DESK_PASSWORD as PASSWORD
from tests.e2e.conftest import SCREENS
from tests.live import ServerProcess


def test_desk_pages(browser, desk_server: ServerProcess) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    page = ctx.new_page()

    def shot(name: str) -> None:
        page.screenshot(path=str(SCREENS / f"desk-{name}.png"), full_page=True)

    base = desk_server.url
    page.goto(base + "/desk/review")
    assert page.url.endswith("/desk/login")  # not signed in
    shot("login")
    page.fill("#username", "koord")
    page.fill("#password", "salah-sekali-123")
    page.click("button[type=submit]")
    assert "salah" in page.inner_text(".msg")
    page.fill("#username", "koord")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/desk/")
    assert "297.349" in page.inner_text("main")
    shot("coverage")

    page.goto(base + "/desk/review")
    # The planted duplicate was held at ingest (issue 13): no member, no card, queued.
    assert "Ditahan: kemungkinan ganda" in page.inner_text("main")
    page.click("text=Cari data ganda")
    page.wait_for_selector(".msg.ok")
    assert "Ditahan: kemungkinan ganda" in page.inner_text("main")
    assert "Konflik identitas" in page.inner_text("main")
    shot("review-list")
    page.click("tr:has-text('Ditahan') >> text=Tinjau")
    page.wait_for_selector(".side")
    assert "Lalu Ahmad Fauzi" in page.inner_text(".side")
    assert "Lalu Ahmad Fauzy" in page.inner_text(".side")
    assert page.locator("#reason-keep").count() == 1  # release: two people
    shot("review-item")
    page.fill("#reason-merge", "NIK salah ketik, orang yang sama")
    page.click("form:has(#reason-merge) button[type=submit]")
    page.wait_for_url(base + "/desk/review")
    assert "Ditahan" not in page.inner_text("table")

    page.goto(base + "/desk/devices")
    page.fill("#label", "Tablet Pringgabaya")
    page.click("text=Buat kode pemasangan")
    page.wait_for_selector("#pairing-code")
    assert page.locator("svg[aria-label^='QR']").count() == 1
    shot("devices")

    for name in ("cards", "money", "exports", "audit", "users"):
        page.goto(f"{base}/desk/{name}")
        assert page.locator("h1").count() == 1
        shot(name)

    # A kecamatan's cards: the form starts a job, its page refreshes itself until done.
    page.goto(base + "/desk/cards")
    page.select_option("#area", "52.03.07")
    page.click("form[action='/desk/cards/batch'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/desk/cards/jobs/[A-Za-z0-9_-]{22}$"))
    page.wait_for_selector("#download", timeout=120_000)
    # Four people, one held and merged into its member: three cards.
    assert "Selesai: 3 kartu, 1 halaman A4" in page.inner_text("main")
    shot("cards-job")
    with page.expect_download() as download:
        page.click("#download")
    assert re.fullmatch(r"kartu-52\.03\.07-\d{8}\.pdf", download.value.suggested_filename)
    assert download.value.path().read_bytes().startswith(b"%PDF")
    page.goto(base + "/desk/cards")
    assert page.locator("text=Cetakan terakhir").count() == 1
    shot("cards-recent")

    audit_text = page.goto(base + "/desk/audit").text()
    assert "review_merge" in audit_text and "cards_batch" in audit_text

    page.click("text=Keluar")
    page.wait_for_url(base + "/desk/login")
    page.goto(base + "/desk/")
    assert page.url.endswith("/desk/login")
    ctx.close()
