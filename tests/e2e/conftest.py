"""Drive the field app as a person does: Chromium, headless, through Flet's semantics tree."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest

from tests.conftest import need
from tests.live import OUTPUT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
SCREENS = OUTPUT / "screens"


class FletPage:
    """A Flet app page in the browser, found by roles and accessible labels."""

    def __init__(self, page, name: str):
        self.page = page
        self.name = name

    def open(self, url: str) -> None:
        """Load the app and switch on the semantics tree (Flet draws on a canvas)."""
        self.page.goto(url)
        self.page.wait_for_selector("flt-semantics-placeholder", state="attached", timeout=60_000)
        self.page.locator("flt-semantics-placeholder").dispatch_event("click")
        self.page.wait_for_selector("flt-semantics", state="attached", timeout=30_000)

    def textbox(self, label: str):
        return self.page.get_by_role("textbox", name=label, exact=True)

    def fill(self, label: str, value: str) -> None:
        """Type into the text box labelled `label`."""
        box = self.textbox(label)
        box.click()
        box.fill(value)

    def click(self, name: str, role: str = "button") -> None:
        """Tap the control with this accessible name."""
        self.page.get_by_role(role, name=name, exact=True).click()

    def pick(self, label: str, option: str) -> None:
        """Open the dropdown labelled `label` and choose `option`."""
        self.textbox(label).click()
        self.page.get_by_role("button", name=option, exact=True).click()

    def wait_text(self, text: str, timeout: float = 20.0) -> None:
        """Wait until `text` is part of what the page shows."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.visible_text():
                return
            time.sleep(0.2)
        self.shot("failure")
        raise AssertionError(f"{text!r} not shown; page shows: {self.visible_text()[:2000]}")

    def visible_text(self) -> str:
        """All text exposed to assistive technology, labels included."""
        return self.page.evaluate(
            "() => [...document.querySelectorAll('flt-semantics, input, textarea')]"
            ".map(e => (e.getAttribute('aria-label') || '')).join('\\n') + '\\n' +"
            " (document.querySelector('flt-semantics-host')?.innerText || '')"
        )

    def shot(self, label: str) -> bytes:
        """Save a screenshot under test-output/screens and return it."""
        SCREENS.mkdir(parents=True, exist_ok=True)
        time.sleep(0.4)  # let the canvas paint the frame the semantics already describe
        path = SCREENS / f"{self.name}-{label}.png"
        return self.page.screenshot(path=str(path))


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    need(os.path.exists(CHROMIUM), f"Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def tablet(browser) -> Iterator[FletPage]:
    """An 800x1280 tablet-sized page."""
    ctx = browser.new_context(viewport={"width": 800, "height": 1280})
    yield FletPage(ctx.new_page(), "tablet")
    ctx.close()


@pytest.fixture
def phone(browser) -> Iterator[FletPage]:
    """A 360x800 phone-sized page."""
    ctx = browser.new_context(viewport={"width": 360, "height": 800})
    yield FletPage(ctx.new_page(), "phone")
    ctx.close()
