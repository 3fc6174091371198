"""Drive the field app as a person does: Chromium, headless, through Flet's semantics tree."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from tests.conftest import CHROMIUM, CHROMIUM_ARGS, need, person  # noqa: F401 (re-exported)
from tests.live import OUTPUT, ROOT, FieldAppProcess, ServerProcess

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

    def reveal(self, locator):
        """Scroll `locator` into view and let Flutter finish scrolling before a tap:
        a tap computed while the content still moves lands on a neighbour."""
        from playwright.sync_api import Error

        box = None
        try:
            locator.scroll_into_view_if_needed(timeout=5000)
        except Error:  # re-rendered meanwhile: the tap re-resolves the locator
            return locator
        for _ in range(10):
            time.sleep(0.1)
            try:
                now = locator.bounding_box(timeout=2000)
            except Error:
                return locator
            if now is not None and now == box:
                break
            box = now
        return locator

    def textbox(self, label: str):
        return self.page.get_by_role("textbox", name=label, exact=True)

    def fill(self, label: str, value: str) -> None:
        """Type into the text box labelled `label`."""
        # Focusing re-lays out the semantics tree (the field may scroll into view), and
        # Flutter can hand the DOM input to another field meanwhile: let it settle, find
        # the box again, and check the text landed there.
        for attempt in range(3):
            box = self.reveal(self.textbox(label))
            # Focus through the DOM rather than a pointer tap: a tap aimed at a field
            # while Flutter still scrolls can land on a neighbour (a radio button).
            if attempt == 0:
                box.focus()
            else:
                box.click()
            time.sleep(0.2)
            box = self.textbox(label)
            box.fill(value)
            time.sleep(0.1)
            if box.input_value() == value:
                return
        raise AssertionError(f"could not type into {label!r}")

    def click(self, name: str, role: str = "button") -> None:
        """Tap the control with this accessible name."""
        self.reveal(self.page.get_by_role(role, name=name, exact=True)).click()

    def pick(self, label: str, option: str) -> None:
        """Open the dropdown labelled `label` and choose `option`.

        At 360 px the home segment filter's eight options all show (the menu opens above
        the field). On a loaded machine the menu can take seconds to appear: wait for
        the option itself; if it is still missing (a menu opened clipped, whose options
        out of view Flutter leaves out of the semantics tree), type its text into the
        filtering box, which brings it to the top."""
        choice = self.page.get_by_role("button", name=option, exact=True)
        for _ in range(3):
            self.reveal(self.textbox(label)).click()
            try:
                choice.first.wait_for(state="visible", timeout=10_000)
            except Exception:
                self.page.keyboard.press("Control+A")
                self.page.keyboard.type(option)
                try:
                    choice.first.wait_for(state="visible", timeout=10_000)
                except Exception:  # the tap landed while the layout moved: tap again
                    self.page.keyboard.press("Escape")
                    continue
            choice.first.click()
            return
        self.shot("failure")
        raise AssertionError(f"option {option!r} of {label!r} did not appear")

    def wait_text(self, text: str, timeout: float = 20.0, *, ignore_case: bool = False) -> None:
        """Wait until `text` is part of what the page shows."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.visible_text()
            if text in shown or (ignore_case and text.casefold() in shown.casefold()):
                return
            time.sleep(0.2)
        self.shot("failure")
        raise AssertionError(f"{text!r} not shown; page shows: {self.visible_text()[:2000]}")

    def wait_any(self, texts: tuple[str, ...], timeout: float = 20.0) -> str:
        """Wait until one of `texts` is shown (case-insensitive); return the one seen."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            shown = self.visible_text().casefold()
            for text in texts:
                if text.casefold() in shown:
                    return text
            time.sleep(0.2)
        self.shot("failure")
        raise AssertionError(f"none of {texts!r} shown; page shows: {self.visible_text()[:2000]}")

    def wait_gone(self, text: str, timeout: float = 20.0) -> None:
        """Wait until `text` is no longer shown (e.g. a filter has narrowed the list)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text not in self.visible_text():
                return
            time.sleep(0.2)
        self.shot("failure")
        raise AssertionError(f"{text!r} still shown")

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


DESK_PASSWORD = "sandi-koordinator-1"


@pytest.fixture
def system(tmp_path: Path) -> Iterator[tuple[ServerProcess, FieldAppProcess]]:
    """A sync server and a field app of their own, stopped after the test."""
    server = ServerProcess(tmp_path / "server").start()
    app = FieldAppProcess(tmp_path / "tablet").start()
    try:
        yield server, app
    finally:
        app.stop()
        server.stop()


@pytest.fixture
def desk_server(tmp_path: Path) -> Iterator[ServerProcess]:
    """A live server with an administrator and a few enrolments, one of them a duplicate."""
    srv = ServerProcess(tmp_path / "server").start()
    try:
        subprocess.run(
            [sys.executable, "-m", "sync_server", "create-admin", "koord", "--password-stdin"],
            input=DESK_PASSWORD + "\n",
            cwd=ROOT,
            env=srv.env,
            check=True,
            capture_output=True,
            text=True,
        )
        token = srv.pair("Tablet Sakra")
        people = [
            person(1, name="Lalu Ahmad Fauzi"),
            person(2, name="Lalu Ahmad Fauzy"),  # the same man, NIK mistyped: held
            replace(person(3, name="Baiq Nurul", female=True, segment="village_official")),
            replace(person(4, name="Inaq Rukiah", female=True), funding="dbhcht"),
        ]
        assert srv.push(token, people).status_code == 200
        assert srv.push(token, [person(3, name="Baiq Nurul Aini", female=True)]).status_code == 200
        yield srv
    finally:
        srv.stop()
