"""The coordinators' desk on a phone (360×800) and a tablet (800×1280) in Chromium: no page
scrolls sideways, the header stays compact, the signed-in user's name and Keluar are
readable, the week chart's labels are at least 12 px, and the coverage map opens an
area's figures when it is tapped.

Screenshots land in test-output/screens/desk-phone-*.png and desk-800-*.png.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import DESK_PASSWORD as PASSWORD
from tests.e2e.conftest import SCREENS
from tests.live import ServerProcess

# Every page a coordinator (an administrator here, so Akun too) can open by GET.
PAGES = (
    "/desk/",
    "/desk/?peta=desa",
    "/desk/review",
    "/desk/devices",
    "/desk/pairing-codes",
    "/desk/cards",
    "/desk/money",
    "/desk/exports",
    "/desk/audit",
    "/desk/account",
    "/desk/users",
    "/desk/rates",
)
NO_MENU = ("/desk/no-such-page",)  # the error page of an unknown address: no user menu

# Colours as the browser computed them, and the first ancestor's painted background
# (a transparent box shows what is behind it), for the user menu's name and button.
_READABLE = """
sel => [...document.querySelectorAll(sel)].map(el => {
  const bg = e => { for (; e; e = e.parentElement) { const c = getComputedStyle(e).backgroundColor;
    if (c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
  const r = el.getBoundingClientRect();
  return {text: el.innerText.trim(), color: getComputedStyle(el).color, bg: bg(el),
          left: r.left, right: r.right, top: r.top, bottom: r.bottom};
})
"""


def _luminance(css: str) -> float:
    """Relative luminance (WCAG) of an `rgb(…)`/`rgba(…)` colour."""
    r, g, b = (int(v) / 255 for v in re.findall(r"[\d.]+", css)[:3])
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _sign_in(page, base: str) -> None:
    page.goto(base + "/desk/login")
    page.fill("#username", "koord")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(base + "/desk/")


def _check_page(page, width: int, name: str, *, menu: bool = True) -> None:
    """The page fits `width`, its header is compact, the user menu is readable."""
    scroll = page.evaluate("document.scrollingElement.scrollWidth")
    assert scroll <= width, f"{name}: {scroll} px wide at {width} px"
    header = page.evaluate("document.querySelector('header.top').getBoundingClientRect().height")
    assert header <= 170, f"{name}: header {header} px tall"
    who = page.evaluate(_READABLE, ".who a, .who button")
    if not menu:
        return
    assert len(who) == 2, (name, who)
    for item in who:
        assert item["text"], item
        assert _contrast(item["color"], item["bg"]) >= 4.5, (name, item)
        # On the screen and on the header's colour, not beyond its edge on the page.
        assert item["left"] >= 0 and item["right"] <= width, (name, item)
        assert item["bottom"] <= header, (name, item)


@pytest.mark.parametrize(("width", "height", "label"), [(360, 800, "phone"), (800, 1280, "800")])
def test_every_desk_page_fits_the_screen(
    browser, desk_server: ServerProcess, width: int, height: int, label: str
) -> None:
    SCREENS.mkdir(parents=True, exist_ok=True)
    ctx = browser.new_context(viewport={"width": width, "height": height})
    page = ctx.new_page()
    base = desk_server.url
    page.goto(base + "/desk/login")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    page.screenshot(path=str(SCREENS / f"desk-{label}-login.png"), full_page=True)
    _sign_in(page, base)
    page.goto(base + "/desk/review")
    page.click("text=Cari data ganda")
    page.wait_for_selector(".msg.ok")
    item = page.locator("a:has-text('Tinjau')").first.get_attribute("href")
    for path in (*PAGES, item, *NO_MENU):
        page.goto(base + path)
        page.wait_for_selector("main")
        slug = re.sub(r"[^a-z0-9]+", "-", path.removeprefix("/desk/")).strip("-") or "coverage"
        page.screenshot(path=str(SCREENS / f"desk-{label}-{slug}.png"), full_page=True)
        _check_page(page, width, path, menu=path not in NO_MENU)

    # A table wider than the phone scrolls inside its own box, not the page.
    page.goto(base + "/desk/")
    assert page.evaluate("document.scrollingElement.scrollWidth") <= width
    # The week chart's labels: at least 12 px as drawn, whatever the screen.
    sizes = page.evaluate(
        "[...document.querySelectorAll('svg[aria-label^=\"Pendaftaran per minggu\"] text')]"
        ".map(t => t.getBoundingClientRect().height)"
    )
    assert len(sizes) == 24 and min(sizes) >= 12, sizes
    ctx.close()


def test_a_tap_on_the_map_opens_the_area_figures(browser, desk_server: ServerProcess) -> None:
    ctx = browser.new_context(viewport={"width": 360, "height": 800})
    page = ctx.new_page()
    base = desk_server.url
    _sign_in(page, base)
    # person() lives in 52.03.07.1001 (Selong): the kecamatan has members, band b1.
    area = page.locator("#map-52\\.03\\.07")
    assert "b1" in (area.get_attribute("class") or "")
    assert page.locator("svg.map path.area").count() == 21
    area.click()
    page.wait_for_url(re.compile(r".*/desk/\?area=52\.03\.07#a-52\.03\.07$"))
    row = page.locator("#a-52\\.03\\.07")
    assert "Selong" in row.inner_text()
    assert page.locator("#a-52\\.03\\.07 ~ tr details[open]").count() == 1
    top = row.bounding_box()
    assert top is not None and 0 <= top["y"] < 800  # scrolled to it
    page.screenshot(path=str(SCREENS / "desk-phone-map-tapped.png"))

    page.click("text=Per desa")
    page.wait_for_url(re.compile(r".*peta=desa.*"))
    assert page.locator("svg.map path.area").count() == 254
    page.locator("#map-52\\.03\\.07\\.1001").click()
    page.wait_for_url(re.compile(r".*area=52\.03\.07\.1001#a-52\.03\.07\.1001$"))
    assert "hit" in (page.locator("#a-52\\.03\\.07\\.1001").get_attribute("class") or "")
    ctx.close()
