"""Education sessions on the desk in headless Chromium (issue 14): a coordinator plans a
session through the form at 800 px (topic, village from the select grouped by kecamatan,
date DD-MM-YYYY, place, facilitator, a target segment), lands on the session's page, sees
it in the list; at 360 px the list, the session, the coverage and money pages (which now
show education reach and UMKM follow-up) scroll no page sideways and the header stays
compact with the new menu item.

Screenshots land in test-output/screens/desk-education-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta

from sync_server.desk_format import to_wita
from sync_server.models import utcnow
from tests.e2e.conftest import DESK_PASSWORD as PASSWORD
from tests.e2e.conftest import SCREENS
from tests.live import ServerProcess

PAGES = ("/desk/edukasi", "/desk/", "/desk/money")


def _sign_in(page, base: str) -> None:
    page.goto(base + "/desk/login")
    page.fill("#username", "koord")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/desk/")


def _fits(page, width: int, name: str) -> None:
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{name}: {scroll} px wide at {width} px"
    header = page.evaluate("document.querySelector('header.top').getBoundingClientRect().height")
    assert header <= 170, f"{name}: header {header} px tall at {width} px"


def test_plan_a_session_at_800_px_and_read_it_at_360(browser, desk_server: ServerProcess) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    base = desk_server.url
    day = to_wita(utcnow()).date() + timedelta(days=9)
    ctx = browser.new_context(viewport={"width": 800, "height": 1280})
    page = ctx.new_page()
    _sign_in(page, base)
    page.click("nav.menu >> text=Edukasi")
    page.wait_for_url(base + "/desk/edukasi")
    assert "Belum ada sesi" in page.inner_text("#sessions")
    page.select_option("#topic", "work_safety")
    page.select_option("#village", "52.03.07.1001")  # under its kecamatan's group
    assert page.locator("#village optgroup[label='Kec. Selong'] option").count() == 12
    page.fill("#day", day.strftime("%d-%m-%Y"))
    page.fill("#place", "Balai Desa Pancor")
    page.fill("#facilitator", "Baiq Nurul")
    page.check("#plan-form input[name=segments][value=construction_worker]")
    page.screenshot(path=str(SCREENS / "desk-education-800-form.png"), full_page=True)
    page.click("#plan-form button[type=submit]")
    page.wait_for_url(re.compile(r".*/desk/edukasi/[A-Za-z0-9_-]{12}\?baru=1$"))
    uid = page.url.rsplit("/", 1)[1].split("?")[0]
    assert "Sesi direncanakan" in page.inner_text("#edu-notice")
    facts = page.inner_text("#facts")
    assert "Keselamatan kerja" in facts and day.strftime("%d-%m-%Y") in facts
    assert "Pekerja proyek konstruksi" in facts and "Balai Desa Pancor" in facts
    _fits(page, 800, "session")
    page.screenshot(path=str(SCREENS / "desk-education-800-session.png"), full_page=True)
    page.goto(base + "/desk/edukasi")
    assert "Keselamatan kerja" in page.inner_text(f"#s-{uid}")
    _fits(page, 800, "/desk/edukasi")
    page.screenshot(path=str(SCREENS / "desk-education-800-list.png"), full_page=True)
    ctx.close()

    ctx = browser.new_context(viewport={"width": 360, "height": 800})
    page = ctx.new_page()
    _sign_in(page, base)
    for path in (*PAGES, f"/desk/edukasi/{uid}"):
        page.goto(base + path)
        page.wait_for_selector("main")
        slug = re.sub(r"[^a-z0-9]+", "-", path.removeprefix("/desk/")).strip("-") or "coverage"
        slug = "session" if uid in path else slug
        page.screenshot(path=str(SCREENS / f"desk-education-phone-{slug}.png"), full_page=True)
        _fits(page, 360, path)
    # The cancel form opens and still fits.
    page.click("#cancel summary")
    _fits(page, 360, "cancel form")
    page.check("#cancel-form input[name=confirm]")
    page.click("#cancel-form button[type=submit]")
    page.wait_for_url(base + f"/desk/edukasi/{uid}")
    assert "dibatalkan" in page.inner_text("#cancelled")
    page.screenshot(path=str(SCREENS / "desk-education-phone-cancelled.png"), full_page=True)
    ctx.close()
