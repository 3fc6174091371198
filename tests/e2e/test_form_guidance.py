"""The form guides the officer, at 360x800 and 800x1280: texts shown whole (the consent
sentence, a long field error), the first error brought into view and focused, notices
coloured by kind and readable (contrast >= 4.5:1), discarding asks first, and every
segment choice a touch target at least 48 px high.

Each step waits on the state it needs (a text, a focused box), never on a fixed time."""

from __future__ import annotations

import io
import math
import time
from collections import Counter

import pytest
from PIL import Image
from playwright.sync_api import expect

from enrolment.segments import Segment, segment_name
from tests.conftest import nik_for
from tests.e2e import flows

SEGMENTS = [segment_name(s, "id") for s in Segment]  # the seven choices
CONSENT = "Peserta menyetujui penggunaan datanya"
LAND_ERROR = "Luas lahan harus lebih dari 0 dan paling banyak"


def nodes_with_text(ui, text: str, *, prefix: bool = False) -> list[dict]:
    """The boxes of semantics nodes (not checkboxes) whose whole text is `text` (or
    starts with it), with the width `text` takes on one line at 1 px font size."""
    return ui.page.evaluate(
        """([t, prefix]) => {
          const out = [];
          for (const e of document.querySelectorAll('flt-semantics')) {
            if (e.getAttribute('role') === 'checkbox') continue;
            const label = (e.getAttribute('aria-label') || e.innerText || '').trim();
            if (!(prefix ? label.startsWith(t) : label === t)) continue;
            const r = e.getBoundingClientRect();
            const c = document.createElement('canvas').getContext('2d');
            c.font = '100px Roboto, sans-serif';
            out.push({x: r.x, y: r.y, w: r.width, h: r.height, text: label,
                      em: c.measureText(label).width / 100});
          }
          return out;
        }""",
        [text, prefix],
    )


def assert_shown_whole(ui, text: str, font_px: float, *, prefix: bool = False) -> None:
    """Some node holds all of `text`, inside the screen's width, tall enough for the
    lines the text needs at that width (a text cut to one line with "…" is not)."""
    ui.wait_text(text)
    width = ui.page.viewport_size["width"]
    nodes = nodes_with_text(ui, text, prefix=prefix)
    assert nodes, f"no node shows {text!r}"
    fitting = []
    for n in nodes:
        lines = math.ceil(n["em"] * font_px * 0.9 / max(n["w"], 1))  # 10 % for the font
        if n["x"] >= -1 and n["x"] + n["w"] <= width + 1 and n["h"] >= lines * font_px:
            fitting.append(n)
    assert fitting, f"{text!r} is cut: {nodes}"


def luminance(rgb: tuple[int, int, int]) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def notice_colours(ui, text: str, label: str) -> tuple[tuple[int, int, int], tuple]:
    """The painted background (the commonest colour) and text colour (the one farthest
    from it) inside the box of the notice that shows `text`."""
    node = ui.page.locator("flt-semantics", has_text=text).last
    ui.reveal(node)
    box = node.bounding_box()
    assert box is not None
    image = Image.open(io.BytesIO(ui.shot(label))).convert("RGB")
    scale = image.width / ui.page.viewport_size["width"]
    crop = image.crop(
        (
            int(box["x"] * scale),
            int(box["y"] * scale),
            int((box["x"] + box["width"]) * scale),
            int((box["y"] + box["height"]) * scale),
        )
    )
    raw = crop.tobytes()
    counts = Counter(zip(raw[0::3], raw[1::3], raw[2::3], strict=True))
    background = counts.most_common(1)[0][0]
    ink = max(counts, key=lambda c: contrast(c, background) if counts[c] > 3 else 0)
    return background, ink


def box_in_view(ui, locator, timeout: float = 8.0) -> dict | None:
    """`locator`'s box once the app's own scroll has brought it whole into the screen
    (read every 100 ms: focus comes before the scroll's animation ends); the last box
    read if it never does. Scrolls nothing itself."""
    height = ui.page.viewport_size["height"]
    deadline = time.monotonic() + timeout
    box = locator.bounding_box()
    while time.monotonic() < deadline:
        if box is not None and 0 <= box["y"] <= height - box["height"]:
            return box
        ui.page.wait_for_timeout(100)
        box = locator.bounding_box()
    return box


def settled_box(ui, locator, *, min_height: float = 0, timeout: float = 8.0) -> dict:
    """`locator`'s box once scrolled to the middle of the screen and still: the same
    box read three times, 150 ms apart, and (if asked) at least `min_height` tall.
    The page is scrolled by the mouse wheel, as a person would: Flutter then scrolls
    and redraws the semantics boxes (a DOM scrollIntoView leaves a node clipped at the
    screen's edge as a 17 px sliver). The test waits for the state it needs and fails
    only if it never comes."""
    viewport = ui.page.viewport_size or {"width": 360, "height": 800}
    middle = viewport["height"] / 2
    ui.page.mouse.move(viewport["width"] / 2, middle)
    seen: list = []
    stuck = None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        box = locator.bounding_box()
        seen = [*seen[-2:], box]
        if box is None:  # off the screen, out of the semantics tree: bring it back
            locator.evaluate("e => e.scrollIntoView({block: 'center'})")
        elif abs(box["y"] + box["height"] / 2 - middle) > 60 and box != stuck:
            # Off centre: wheel it there, unless the last wheel did not move it (the end
            # of the page).
            ui.page.mouse.wheel(0, box["y"] + box["height"] / 2 - middle)
            ui.page.wait_for_timeout(300)
            stuck = box
            seen = []
        still = len(seen) == 3 and seen[0] is not None and seen[0] == seen[1] == seen[2]
        if still and seen[0]["height"] >= min_height:
            return seen[0]
        ui.page.wait_for_timeout(150)
    return seen[-1] if seen else None


def open_form(ui, server, app) -> None:
    ui.open(app.url)
    flows.pair(ui, server)
    ui.click("Pendaftaran baru")
    ui.wait_text("Data peserta")


@pytest.fixture(params=["phone", "tablet"])
def screen(request):
    return request.getfixturevalue(request.param)


def test_touch_targets_errors_focus_and_colours(screen, system):
    ui = screen
    server, app = system
    open_form(ui, server, app)

    # Every segment choice is a row at least 48 px high, none overlapping the next.
    radios = [ui.page.get_by_role("radio", name=n, exact=True) for n in SEGMENTS]
    for name, radio, below in zip(SEGMENTS, radios, [*radios[1:], None], strict=True):
        box = settled_box(ui, radio, min_height=48)
        assert box is not None and box["height"] >= 48, (name, box)
        if below is not None:  # measured in the same still frame as its neighbour
            next_box = below.bounding_box()
            assert next_box is not None and box["y"] + box["height"] <= next_box["y"] + 0.5
    ui.shot("guidance-1-segments")

    # A field is checked when it is left: a land area of 0 shows its (long) error whole.
    ui.click("Petani tembakau", role="radio")
    ui.fill("Luas lahan (ha)", "0")
    ui.fill("Kelompok tani", "Poktan Maju")  # leaves the land area
    assert_shown_whole(ui, LAND_ERROR, 15, prefix=True)
    ui.shot("guidance-2-land-error")
    # ... and its error goes as soon as the value is right.
    ui.fill("Luas lahan (ha)", "1,5")
    ui.wait_gone(LAND_ERROR)

    # A short NIK, then "Lanjut ke persetujuan" far below: the NIK is the first error,
    # brought back into view and focused.
    ui.fill("NIK (16 angka)", "5203")
    ui.click("Lanjut ke persetujuan")
    ui.wait_text("Periksa isian yang ditandai merah.")
    nik = ui.textbox("NIK (16 angka)")
    expect(nik).to_be_focused(timeout=20_000)
    box = box_in_view(ui, nik)
    assert box is not None and 0 <= box["y"] <= ui.page.viewport_size["height"] - box["height"]
    ui.shot("guidance-3-first-error")

    # The error notice is red, dark text on pale red, readable in the sun.
    bg, ink = notice_colours(ui, "Periksa isian yang ditandai merah.", "guidance-4-error")
    assert bg[0] > bg[1] + 8 and bg[0] > bg[2] + 8, bg  # pale red
    assert ink[0] > ink[1] + 60, ink  # dark red
    assert contrast(bg, ink) >= 4.5, (bg, ink)

    # A NIK from outside Lombok Timur warns in amber (the officer may go on).
    ui.fill("NIK (16 angka)", nik_for(7, female=True).replace("5203", "3201", 1))
    warning = "NIK ini dari luar Lombok Timur"
    ui.wait_text(warning)
    wbg, wink = notice_colours(ui, warning, "guidance-5-warning")
    assert wbg[0] > wbg[2] + 20 and wbg[1] > wbg[2] + 10, wbg  # pale amber
    assert wink[0] > wink[2] + 30, wink  # dark amber / brown
    assert contrast(wbg, wink) >= 4.5, (wbg, wink)
    assert wbg != bg


def test_consent_sentence_whole_and_discard_asks_first(screen, system):
    ui = screen
    server, app = system
    open_form(ui, server, app)
    person = flows.Person(
        nik=nik_for(21, year=1980),
        name="Amaq Sahnan",
        segment="Petani tembakau",
        details={
            "Kelompok tani": "Poktan Maju",
            "Luas lahan (ha)": "1,5",
            "Musim tanam (mis. 2026)": "2026",
        },
    )
    flows.fill_identity(ui, person)
    flows.fill_segment(ui, person)
    ui.click("Lanjut ke persetujuan")
    ui.wait_text("Untuk apa data dipakai")
    assert_shown_whole(ui, CONSENT, 18)
    box = ui.page.get_by_role("checkbox", name=CONSENT, exact=True)
    ui.reveal(box)
    # Tapping the sentence ticks the box too.
    ui.reveal(ui.page.locator("flt-semantics", has_text=CONSENT).last).click()
    expect(box).to_be_checked(timeout=20_000)
    ui.shot("guidance-6-consent")
    ui.click("Kembali ke formulir")
    ui.wait_text("Data peserta")

    # Discarding asks first; Batal keeps the form as it was.
    ui.click("Buang formulir")
    ui.wait_text("Buang formulir ini?")
    ui.shot("guidance-7-discard-asks")
    ui.click("Batal")
    ui.wait_gone("Buang formulir ini?")
    # Still the same form: its consent step names the person typed in.
    ui.click("Lanjut ke persetujuan")
    ui.wait_text("Yang akan didaftarkan: Amaq Sahnan")
    ui.click("Kembali ke formulir")
    ui.wait_text("Data peserta")
    flows.discard_form(ui)
    ui.wait_text("Belum ada pendaftaran.")
