"""The officer's day beyond a clean enrolment: a draft resumed after the app restarts,
a record the server rejected corrected on the tablet, search and filters, and every
screen in both languages; on a phone-sized screen."""

from __future__ import annotations

import re

from enrolment.records import Consent
from tests.conftest import nik_for, person
from tests.e2e import flows


def test_draft_survives_an_app_restart_and_is_finished(system, tablet):
    server, app = system
    ui = tablet
    ui.open(app.url)
    flows.pair(ui, server)
    ui.click("Pendaftaran baru")
    p = flows.Person(
        nik=nik_for(401, year=1970),
        name="Mahsun Draf",
        segment="Petani tembakau",
        details={"Kelompok tani": "Poktan Sejahtera", "Luas lahan (ha)": "1,5"},
    )
    flows.fill_identity(ui, p)
    flows.fill_segment(ui, p)
    ui.page.wait_for_timeout(2000)  # the draft is written after a pause in typing

    app.stop()  # the tablet's battery dies
    app.start()
    ui.open(app.url)
    flows.sign_in(ui)  # a tablet with a PIN opens locked
    ui.wait_text("Formulir belum selesai")
    ui.wait_text("Mahsun Draf")
    ui.page.wait_for_timeout(1000)  # the canvas paints after a reconnect's first frame
    ui.shot("draft-on-home")
    ui.click("Lanjutkan")
    ui.wait_text("Data peserta")
    ui.fill("Musim tanam (mis. 2026)", "2026")
    # Everything typed before the restart is back: the form passes on to consent.
    ui.click("Lanjut ke persetujuan")
    ui.wait_text("Yang akan didaftarkan: Mahsun Draf")
    ui.click("Peserta menyetujui penggunaan datanya", role="checkbox")
    ui.click("Simpan")
    # Background sync may replace the "saved" notice with its report before we look.
    ui.wait_any(("Tersimpan di tablet", "Sinkronisasi selesai"))
    assert "Formulir belum selesai" not in ui.visible_text()
    ui.click("Sinkronkan")  # (the background sync may have been quicker)
    ui.wait_text("No. peserta: LT0000001")


def test_rejected_record_is_corrected_and_accepted(system, phone):
    server, app = system
    ui = phone
    ui.open(app.url)
    flows.pair(ui, server)
    # A record from an older app version whose consent time was lost: the server
    # rejects it; the officer must ask consent again and complete the new fields.
    bad = person(501, name="Sumiati Koreksi", female=True, segment="tobacco_farmer")
    bad = bad.__class__(**{**bad.__dict__, "consent": Consent(given=True, by="Sumiati")})
    store = flows.open_store(app)
    store.save_enrolment(bad)
    store.close()

    ui.click("Sinkronkan")
    ui.wait_text("perlu perbaikan")
    ui.wait_text("Persetujuan peserta wajib dicatat sebelum menyimpan.")
    ui.shot("rejected")
    ui.click("Perbaiki")
    ui.wait_text("Data peserta")
    ui.wait_text("Persetujuan peserta wajib dicatat sebelum menyimpan.")
    ui.wait_text("Petani tembakau")
    ui.click("Lanjut ke persetujuan")
    ui.wait_text("Periksa isian yang ditandai merah.")  # new fields are now required
    ui.fill("Kelompok tani", "Poktan Lestari")
    ui.fill("Luas lahan (ha)", "0,5")
    ui.fill("Musim tanam (mis. 2026)", "2026")
    ui.fill("Penghasilan per bulan (Rp)", "900000")
    ui.wait_text("Iuran per bulan: JKK Rp 10.000 + JKM Rp 6.800 = Rp 16.800")
    ui.shot("correction-form")
    flows.consent_and_save(ui, shot="correction-consent")
    ui.click("Sinkronkan")  # (the background sync may have been quicker)
    ui.wait_text("No. peserta: LT0000001")
    assert "perlu perbaikan" not in ui.visible_text()
    ui.shot("corrected")


def test_search_filters_and_every_screen_in_english(system, phone):
    server, app = system
    ui = phone
    ui.open(app.url)
    flows.pair(ui, server)
    store = flows.open_store(app)
    store.save_enrolments(
        [
            person(601, name="Baiq Nurul Cari", female=True, segment="umkm_owner"),
            person(602, name="Lalu Ahmad Cari", segment="tobacco_farmer"),
            person(603, name="Sri Wahyuni", female=True, village="52.03.07.1002"),
        ]
    )
    store.close()
    attention = ui.page.get_by_role("button", name=re.compile(r"^\d+ Perlu perhatian$"))
    attention.click()  # tapping a counter filters the list by that status...
    ui.wait_text("Belum ada pendaftaran.")
    attention.click()  # ...and tapping it again shows all
    ui.wait_text("Sri Wahyuni")
    ui.fill("Cari nama atau NIK", "cari")
    ui.wait_gone("Sri Wahyuni")
    ui.wait_text("Lalu Ahmad Cari")
    ui.wait_text("Baiq Nurul Cari")
    ui.fill("Cari nama atau NIK", nik_for(602))
    ui.wait_gone("Baiq Nurul Cari")
    ui.wait_text("Lalu Ahmad Cari")
    ui.fill("Cari nama atau NIK", "")
    ui.wait_text("Sri Wahyuni")
    ui.shot("home-phone")
    # At 360 px the filters fold behind Saring, so the first records show on the first
    # screen; a set filter keeps them open.
    assert ui.textbox("Saring segmen").count() == 0
    ui.click("Saring")
    ui.pick("Saring segmen", "Pelaku UMKM")
    ui.wait_gone("Lalu Ahmad Cari")
    ui.wait_text("Baiq Nurul Cari")
    ui.shot("search-filter")
    ui.click("Saring (1)")  # open while a filter is set: the tap does not hide it
    ui.pick("Saring segmen", "Semua segmen")
    ui.wait_text("Lalu Ahmad Cari")

    ui.click("English")
    ui.wait_text("Search name or NIK")
    ui.click("Filter")
    ui.wait_text("Filter by village")
    ui.shot("home-en")
    ui.click("Check a card")
    ui.wait_text("Check a member card")
    ui.shot("verify-en")
    ui.click("Back")
    ui.click("New enrolment")
    ui.wait_text("Participant details")
    ui.click("Migrant worker", role="radio")
    ui.wait_text("Family (as on the KK)")
    ui.wait_text("Destination country")
    ui.wait_text("Monthly income (Rp)")
    ui.shot("form-en")
    ui.click("Bahasa Indonesia")
    ui.wait_text("Keluarga (sesuai KK)")
    flows.discard_form(ui)  # it asks first
    ui.wait_text("Cari nama atau NIK")
