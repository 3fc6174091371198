"""UMKM follow-up on the tablet: the owners due (pulled from the server), a conversion
recorded with its start date (a wrong date refused at the field), a refusal without its
reason refused whole then saved with one; after a sync the converted owner leaves the
list and the other shows its visit sent. On a phone (360×800) and a tablet (800×1280)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import person
from tests.e2e import flows
from tests.e2e.conftest import FletPage
from tests.e2e.test_form_guidance import contrast, notice_colours
from tests.live import ServerProcess

KEC = "52.03.07"
CONVERTS, DECLINES = "Inaq Warung Beralih", "Amaq Toko Menolak"
START_LABEL = "Mulai peserta berbayar (HH-BB-TTTT)"


def owners_due(server: ServerProcess) -> dict[str, date]:
    """Two UMKM owners of the area, made members by another tablet, whose conversion is
    due: one 10 days overdue, one due in 5 days (set as the desk's money page sets it)."""
    token = server.pair("tablet lain")
    people = [person(821, name=CONVERTS, female=True), person(822, name=DECLINES)]
    assert server.push(token, people).status_code == 200
    today = date.today()
    due = {CONVERTS: today - timedelta(days=10), DECLINES: today + timedelta(days=5)}
    engine = sa.create_engine(server.database_url)
    try:
        with engine.begin() as db:
            for name, day in due.items():
                db.execute(
                    sa.text(
                        "UPDATE members SET segment='umkm_owner', conversion_due=:d,"
                        " startup_cash=5000000 WHERE full_name=:n"
                    ),
                    {"d": day, "n": name},
                )
    finally:
        engine.dispose()
    return due


def scroll_down(ui: FletPage) -> None:
    """Scroll the screen with the mouse wheel until the page stops moving."""
    ui.page.mouse.move(180, 400)
    ui.page.mouse.wheel(0, 2000)
    ui.reveal(ui.page.get_by_role("button", name="Simpan kunjungan", exact=True))


def dmy(day: date) -> str:
    return day.strftime("%d-%m-%Y")


@pytest.mark.parametrize("screen", ["phone", "tablet"])
def test_visits_converted_and_declined(system, screen, request):
    server, app = system
    ui: FletPage = request.getfixturevalue(screen)
    due = owners_due(server)
    ui.open(app.url)
    flows.pair_in_area(ui, server, KEC)
    flows.sync(ui)
    ui.wait_text("Tindak lanjut UMKM (2)")
    for name in ("Sesi edukasi", "Tindak lanjut UMKM (2)"):  # touch targets, not cut
        box = ui.page.get_by_role("button", name=name, exact=True).bounding_box()
        width = 360 if screen == "phone" else 800
        assert box is not None and box["height"] >= 48, (name, box)
        assert box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
    ui.shot("umkm-0-home")
    ui.click("Tindak lanjut UMKM (2)")
    ui.wait_text(CONVERTS)
    ui.wait_text(f"Jatuh tempo {dmy(due[CONVERTS])}")
    ui.wait_text("terlambat 10 hari")
    ui.wait_text(f"Jatuh tempo {dmy(due[DECLINES])}")
    ui.wait_text("Telepon: 081234567890")
    ui.wait_text("Modal usaha: Rp 5.000.000")
    shown = ui.visible_text()  # in the order of the screen
    assert shown.index(CONVERTS) < shown.index(DECLINES)  # the earliest due first
    ui.shot("umkm-1-due")

    flows.tap_entry(ui, CONVERTS)
    ui.wait_text("Hasil kunjungan")
    ui.click("Simpan kunjungan")
    ui.wait_text("Pilih hasil kunjungan.")
    ui.click("Beralih ke peserta berbayar", role="radio")
    ui.wait_gone("Pilih hasil kunjungan.")
    ui.click("Simpan kunjungan")
    ui.wait_text("Isi tanggal mulai kepesertaan berbayar.")
    ui.fill(START_LABEL, "31-02-2027")
    ui.click("Simpan kunjungan")
    ui.wait_text("Tulis tanggal sebagai HH-BB-TTTT, misalnya 01-02-2027.")
    ui.shot("umkm-2-date-error")
    ui.fill(START_LABEL, "01-02-2027")
    ui.wait_gone("Tulis tanggal sebagai HH-BB-TTTT")
    ui.click("Simpan kunjungan")
    ui.wait_text(f"Kunjungan ke {CONVERTS} tersimpan: Beralih ke peserta berbayar.")
    ui.wait_text("Kunjungan terakhir: Beralih ke peserta berbayar (mulai 01-02-2027)")
    ui.wait_text("menunggu dikirim")

    flows.tap_entry(ui, DECLINES)
    ui.click("Menolak", role="radio")
    ui.click("Simpan kunjungan")
    ui.wait_text("Isi alasan penolakan.")
    scroll_down(ui)  # to the form under the list
    bg, ink = notice_colours(ui, "Isi alasan penolakan.", "umkm-3-reason-missing")
    assert bg[0] > bg[1] + 10 and bg[0] > bg[2] + 10 and contrast(bg, ink) >= 4.5, bg  # red
    ui.fill("Alasan menolak", "Usaha masih kecil, belum sanggup membayar iuran")
    ui.wait_gone("Isi alasan penolakan.")
    ui.click("Simpan kunjungan")
    ui.wait_text(f"Kunjungan ke {DECLINES} tersimpan: Menolak.")
    ui.wait_text("Kunjungan terakhir: Menolak")
    ui.shot("umkm-4-recorded")
    ui.click("English")
    ui.wait_text("Last visit: Declined")
    ui.wait_text("waiting to be sent")
    ui.wait_text("10 days overdue")
    ui.shot("umkm-5-english")
    ui.click("Bahasa Indonesia")

    # The regular Sync sends both; the converted owner is then no longer due.
    ui.click("Kembali")
    flows.sync(ui)
    ui.wait_text("Tindak lanjut UMKM (1)")
    ui.click("Tindak lanjut UMKM (1)")
    ui.wait_text("Kunjungan terakhir: Menolak")
    ui.wait_gone(CONVERTS)
    ui.wait_gone("menunggu dikirim")
    ui.wait_text("terkirim")
    ui.shot("umkm-6-sent")
    ui.click("Kembali")
    ui.wait_text("Pendaftaran baru")
