"""Education sessions on the desk in headless Chromium (issue 14): a coordinator plans a
session through the form at 800 px (topic, village from the select grouped by kecamatan,
date DD-MM-YYYY, place, facilitator, a target segment), lands on the session's page, sees
it in the list; with attendance planted as the activities endpoint stores it, at 360 px
the list, the session (its attendees), the coverage and money pages (education reach, UMKM
follow-up) scroll no page sideways and the header stays compact with the new menu item;
the attended session refuses to be cancelled, with its reason.

Screenshots land in test-output/screens/desk-education-*.png.
"""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

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


def _plant_attendance(srv: ServerProcess, uid: str) -> None:
    """Two members of the fixture (by card) and a person not a member, as the activities
    endpoint stores them, so the session's page has attendees to lay out."""
    engine = sa.create_engine(srv.database_url, poolclass=sa.pool.NullPool)
    try:
        with engine.begin() as conn:
            sid = conn.execute(
                sa.text("SELECT id FROM education_sessions WHERE uid = :u"), {"u": uid}
            ).scalar_one()
            device = conn.execute(sa.text("SELECT min(id) FROM devices")).scalar_one()
            members = conn.execute(sa.text("SELECT id FROM members ORDER BY id LIMIT 2")).all()
            rows = [(m.id, "card", "", "") for m in members]
            rows.append((None, "guest", "", "Amaq Pendatang Dari Desa Sebelah Yang Jauh"))
            for i, (member, method, nik, name) in enumerate(rows):
                conn.execute(
                    sa.text(
                        "INSERT INTO attendances (device_id, client_id, content_hash,"
                        " session_id, member_id, method, nik, guest_name, attended_at, outcome,"
                        " member_no, problems, received_at) VALUES (:d, :c, 'h', :s, :m,"
                        " :method, :nik, :name, '2027-01-15T02:00:00Z', 'recorded', '', '[]',"
                        " CURRENT_TIMESTAMP)"
                    ),
                    {
                        "d": device,
                        "c": f"e2e{i}",
                        "s": sid,
                        "m": member,
                        "method": method,
                        "nik": nik,
                        "name": name,
                    },
                )
    finally:
        engine.dispose()


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

    _plant_attendance(desk_server, uid)
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
    attendees = page.inner_text("#attendees")
    assert "Amaq Pendatang" in attendees and "tawarkan pendaftaran" in attendees
    assert page.inner_text("#kpi-members .v") == "2" and page.inner_text("#kpi-others .v") == "1"
    # Attended: the cancel form refuses, with its reason, and the page still fits.
    page.click("#cancel summary")
    page.check("#cancel-form input[name=confirm]")
    page.click("#cancel-form button[type=submit]")
    page.wait_for_selector("#edu-error")
    assert "tidak dapat dibatalkan" in page.inner_text("#edu-error")
    _fits(page, 360, "cancel refused")
    page.screenshot(path=str(SCREENS / "desk-education-phone-cancel-refused.png"), full_page=True)
    ctx.close()
