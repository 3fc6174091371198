"""Home on a phone (360×800) and a tablet (800×1280): a household's records listed
together under one heading, its head first; at 360 px the header leaves room for the
first records on the first screen."""

from __future__ import annotations

from dataclasses import replace

import pytest

from enrolment.household import Household
from tests.conftest import person
from tests.e2e import flows

KK = "5203071708850001"


def _family() -> list:
    """Saved in this order (oldest first): the anchor (a wife), someone of no household,
    the head of the family, a child. The store lists newest first."""
    anchor = "fam-anchor"

    def member(serial: int, name: str, relation: str | None, minute: int, **kw):
        rec = person(serial, name=name, client_id=anchor if serial == 701 else None, **kw)
        if relation is not None:
            rec = replace(rec, household=Household(KK, relation, anchor))
        return replace(rec, created_at=f"2026-11-25T03:{minute:02d}:00Z")

    return [
        member(701, "Inaq Uji Istri", "spouse", 1, female=True),
        member(702, "Lalu Uji Sendiri", None, 2),
        member(703, "Amaq Uji Kepala", "head", 3),
        member(704, "Baiq Uji Anak", "child", 4, female=True, year=2010),
    ]


@pytest.mark.parametrize("screen", ["phone", "tablet"])
def test_household_grouped_under_its_head(system, screen, request):
    server, app = system
    ui = request.getfixturevalue(screen)
    ui.open(app.url)
    flows.pair(ui, server)
    store = flows.open_store(app)
    store.save_enrolments(_family())
    store.close()
    ui.fill("Cari nama atau NIK", "Uji")
    ui.wait_text("Keluarga · KK 5203071708850001 · 3 orang")
    ui.shot("home-household")
    names = ["Amaq Uji Kepala", "Inaq Uji Istri", "Baiq Uji Anak", "Lalu Uji Sendiri"]
    tops = []
    for name in names:
        box = ui.page.get_by_text(name, exact=True).first.bounding_box()
        assert box is not None, name
        tops.append(box["y"])
    assert tops == sorted(tops), dict(zip(names, tops, strict=True))  # head first, then as added
    heading = ui.page.get_by_text("Keluarga · KK 5203071708850001 · 3 orang").first
    assert heading.bounding_box()["y"] < tops[0]


def test_phone_shows_records_on_the_first_screen(system, phone):
    server, app = system
    ui = phone
    ui.open(app.url)
    flows.pair(ui, server)
    store = flows.open_store(app)
    store.save_enrolments([person(711, name="Sahnun Layar Pertama")])
    store.close()
    ui.fill("Cari nama atau NIK", "Layar")
    ui.wait_text("Sahnun Layar Pertama")
    ui.shot("home-first-screen")
    # Measured from the title (typing may have scrolled the page): where the record
    # sits when home opens, scrolled to the top.
    title = ui.page.get_by_text("Pendaftaran BPJS Ketenagakerjaan", exact=True).first
    top = title.bounding_box()
    box = ui.page.get_by_text("Sahnun Layar Pertama", exact=True).first.bounding_box()
    assert top is not None and box is not None
    assert box["y"] - top["y"] + 16 + box["height"] <= 800, (top, box)


@pytest.mark.parametrize("screen", ["phone", "tablet"])
def test_a_draft_is_discarded_only_when_confirmed(system, screen, request):
    server, app = system
    ui = request.getfixturevalue(screen)
    ui.open(app.url)
    flows.pair(ui, server)
    store = flows.open_store(app)
    store.save_draft("draft-1", "Rabiah Draf", {"full_name": "Rabiah Draf"})
    store.close()
    ui.fill("Cari nama atau NIK", "x")  # home reloads (drafts with it on the next tap)
    ui.fill("Cari nama atau NIK", "")
    ui.click("Sinkronkan")
    ui.wait_text("Rabiah Draf")
    ui.click("Buang")
    ui.wait_text("Buang draf Rabiah Draf?")
    ui.shot("home-discard-draft")
    ui.click("Batal")
    ui.page.get_by_role("button", name="Batal", exact=True).wait_for(state="detached")
    ui.wait_text("Rabiah Draf")  # still there
    ui.click("Buang")
    ui.wait_text("Buang draf Rabiah Draf?")
    # The dialog's Buang (drawn last, over the tile's own).
    ui.page.get_by_role("button", name="Buang", exact=True).last.click()
    ui.wait_gone("Rabiah Draf")


def test_out_of_reach_is_amber_and_a_sync_green(system, phone):
    from tests.e2e.test_form_guidance import contrast, notice_colours

    server, app = system
    ui = phone
    ui.open(app.url)
    flows.pair(ui, server)
    store = flows.open_store(app)
    store.save_enrolments([person(721, name="Warna Notis")])
    store.close()
    server.stop()
    ui.click("Sinkronkan")
    ui.wait_text("Server tidak dapat dihubungi", ignore_case=True)
    bg, ink = notice_colours(ui, "dihubungi", "home-unreachable")
    assert bg[0] >= bg[1] > bg[2] + 10, bg  # amber (red ≥ green > blue), not green
    assert contrast(bg, ink) >= 4.5
    server.start()
    ui.click("Sinkronkan")
    ui.wait_text("Sinkronisasi selesai")
    bg, ink = notice_colours(ui, "Sinkronisasi selesai", "home-synced")
    assert bg[1] > bg[0] and bg[1] > bg[2], bg  # green
    assert contrast(bg, ink) >= 4.5
