"""Officer sign-in on a shared tablet (issue 12, part 2), in the browser: pairing sets the
first officer's PIN, the Kunci button and idle lock the tablet, a wrong PIN is refused,
the right one brings back the records and the unfinished form; a second officer signs
in with their own PIN. At tablet (800 px) and phone (360 px) widths."""

from __future__ import annotations

from enrolment.pairing_qr import pairing_payload
from field_app.store import Store
from sync_server.web.qr import qr_svg
from tests.conftest import nik_for, person
from tests.e2e import flows
from tests.live import FieldAppProcess, ServerProcess

PERSON = flows.Person(
    nik=nik_for(701, year=1985, female=True),
    name="Baiq Kunci",
    segment="Petani tembakau",
    details={
        "Kelompok tani": "Poktan Kunci",
        "Luas lahan (ha)": "0,5",
        "Musim tanam (mis. 2026)": "2026",
    },
)


def test_lock_refuse_a_wrong_pin_unlock_and_add_an_officer(tmp_path, tablet, phone):
    server = ServerProcess(tmp_path / "server").start()
    app = FieldAppProcess(tmp_path / "tablet").start()
    try:
        ui = tablet
        ui.open(app.url)
        ui.wait_text("Hubungkan tablet ke server")
        ui.wait_text("Ulangi PIN")
        ui.shot("pin-1-pair")
        # Pairing by the QR the desk shows (as the browser draws the desk's SVG): a
        # picture with no code, then a member card's link, change nothing.
        flows.scan_picture(ui, "Pindai QR pemasangan", flows.rendered_svg(ui, "<svg/>"))
        ui.wait_text("Tidak ada kode QR yang terbaca")
        card_link = qr_svg("https://kartu.example/v/eyJrIjoiazEifQ.e30.YWJj")
        flows.scan_picture(ui, "Pindai QR pemasangan", flows.rendered_svg(ui, card_link))
        ui.wait_text("Kode QR ini bukan kode pemasangan")
        desk_qr = qr_svg(pairing_payload(server.url, server.pairing_code()))
        flows.scan_picture(ui, "Pindai QR pemasangan", flows.rendered_svg(ui, desk_qr))
        ui.wait_text("Alamat server dan kode pemasangan terisi dari QR.")
        ui.shot("pin-1-pair-scanned")  # pairing below proves the address and code arrived
        flows.fill_officer(ui)
        ui.click("Hubungkan")
        ui.wait_text("Tablet terhubung.")
        ui.wait_text("Petugas: Lalu Petugas")

        ui.click("Pendaftaran baru")
        ui.wait_text("Data peserta")
        flows.fill_identity(ui, PERSON)
        flows.fill_segment(ui, PERSON)
        flows.consent_and_save(ui)
        ui.wait_text("Baiq Kunci")
        ui.shot("pin-2-home")

        flows.lock(ui)
        ui.wait_gone("Baiq Kunci")
        ui.wait_text("Lalu Petugas")  # the officers are listed, nothing else
        ui.shot("pin-3-sign-in")
        flows.sign_in(ui, pin="000000")
        ui.wait_text("PIN salah.")
        ui.shot("pin-4-wrong")
        assert "Baiq Kunci" not in ui.visible_text()
        flows.sign_in(ui)
        # ("Selamat datang" may be replaced at once by the report of the sync it wakes.)
        ui.wait_text("Petugas: Lalu Petugas")
        ui.wait_text("Baiq Kunci")  # the record is back

        ui.click("Tambah petugas")
        ui.wait_text("Petugas lain yang memakai tablet ini")
        ui.fill("Nama petugas", "Baiq Rekan")
        flows.fill_pin(ui, "PIN (minimal 6 angka)", "246800")
        flows.fill_pin(ui, "Ulangi PIN", "246801")
        ui.click("Simpan petugas")
        ui.wait_text("Kedua PIN tidak sama")
        ui.shot("pin-5-add-officer")
        flows.fill_pin(ui, "PIN (minimal 6 angka)", "246800")
        flows.fill_pin(ui, "Ulangi PIN", "246800")
        ui.click("Simpan petugas")
        ui.wait_text("Petugas Baiq Rekan ditambahkan.")
        flows.lock(ui)

        # The same tablet on a phone-sized screen: two officers to choose from.
        ui = phone
        ui.open(app.url)
        ui.wait_text("Masuk petugas")
        ui.wait_text("Baiq Rekan")
        ui.page.wait_for_timeout(1000)  # the canvas paints after the first frame's semantics
        ui.shot("pin-6-sign-in-two")
        flows.sign_in(ui, pin="246800", officer="Baiq Rekan")
        ui.wait_text("Petugas: Baiq Rekan")
        ui.wait_text("Baiq Kunci")
        ui.shot("pin-7-home")
    finally:
        app.stop()
        server.stop()


def test_idle_locks_and_the_form_is_resumed_after_unlock(tmp_path, phone):
    server = ServerProcess(tmp_path / "server").start()
    app = FieldAppProcess(tmp_path / "tablet")
    app.env["FIELD_APP_IDLE_LOCK_SECONDS"] = "8"
    app.start()
    try:
        ui = phone
        ui.open(app.url)
        ui.wait_text("Ulangi PIN")
        ui.shot("pin-8-pair")
        flows.pair(ui, server)
        ui.click("Pendaftaran baru")
        ui.wait_text("Data peserta")
        ui.fill("Nama lengkap", "Lalu Menunggu")
        # Nobody touches the tablet: it locks by itself, the form kept as a draft.
        ui.wait_text("Masuk petugas", timeout=30)
        ui.wait_gone("Lalu Menunggu")
        ui.shot("pin-9-idle-locked")
        flows.sign_in(ui)
        ui.wait_text("Formulir belum selesai")
        ui.wait_text("Lalu Menunggu")
        ui.click("Lanjutkan")
        ui.wait_text("Data peserta")
        name = ui.reveal(ui.textbox("Nama lengkap"))
        name.focus()  # Flutter puts the text into the DOM input of the focused field
        ui.page.wait_for_timeout(300)
        assert ui.textbox("Nama lengkap").input_value() == "Lalu Menunggu"
    finally:
        app.stop()
        server.stop()


def test_a_tablet_paired_before_pins_gets_one_from_home(tmp_path, phone):
    server = ServerProcess(tmp_path / "server").start()
    app = FieldAppProcess(tmp_path / "tablet")
    # A tablet paired before PINs existed (pairing now requires one): a device token,
    # a plaintext record, no officers. Set up in its file before the app opens it.
    legacy = Store(app.data_dir / "field_app.db")
    legacy.set_settings(
        server_url=server.url,
        device_id="legacy",
        device_token=server.pair("Tablet lama"),
        officer="Lalu Petugas",
    )
    legacy.save_enrolment(person(702, name="Baiq Lama", female=True))
    legacy.close()
    app.start()
    try:
        ui = phone
        ui.open(app.url)
        ui.wait_text("belum dilindungi PIN")
        ui.wait_text("Baiq Lama")
        ui.click("Pasang PIN")
        ui.wait_text("Setelah PIN dipasang")
        name = ui.reveal(ui.textbox("Nama petugas"))
        name.focus()  # Flutter puts the text into the DOM input of the focused field
        ui.page.wait_for_timeout(300)
        assert ui.textbox("Nama petugas").input_value() == "Lalu Petugas"  # the paired one
        flows.fill_pin(ui, "PIN (minimal 6 angka)", flows.PIN)
        flows.fill_pin(ui, "Ulangi PIN", flows.PIN)
        ui.shot("pin-10-set-pin")
        ui.click("Simpan petugas")
        ui.wait_text("PIN dipasang.")
        ui.wait_gone("belum dilindungi PIN")
        flows.lock(ui)
        ui.wait_gone("Baiq Lama")
        flows.sign_in(ui)
        ui.wait_text("Petugas: Lalu Petugas")
        ui.wait_text("Baiq Lama")  # encrypted in place, nothing lost
    finally:
        app.stop()
        server.stop()
