"""The app on a 360 px phone, in English as well as Bahasa Indonesia; form errors at the field."""

from __future__ import annotations

from tests.e2e import flows
from tests.live import FieldAppProcess, ServerProcess


def test_phone_pairing_language_switch_and_field_errors(tmp_path, phone):
    server = ServerProcess(tmp_path / "server").start()
    app = FieldAppProcess(tmp_path / "tablet").start()
    try:
        ui = phone
        ui.open(app.url)
        ui.wait_text("Hubungkan tablet ke server")
        ui.shot("1-pair")
        ui.fill("Alamat server", server.url)
        ui.fill("Kode pemasangan", "SALAH-KODE")
        flows.fill_officer(ui)
        ui.click("Hubungkan")
        ui.wait_text("Kode pemasangan salah")
        ui.fill("Kode pemasangan", server.pairing_code())
        ui.click("Hubungkan")
        ui.wait_text("Tablet terhubung.")
        ui.shot("2-home")

        ui.click("English")
        ui.wait_text("New enrolment")
        ui.click("New enrolment")
        ui.wait_text("Participant details")
        ui.fill("NIK (16 digits)", "5203074508900001")
        ui.fill("Full name", "Siti Aminah")
        ui.click("Male", role="radio")  # the NIK says a woman
        ui.click("Continue to consent")
        ui.wait_text("This NIK belongs to a female person, but male is chosen.")
        ui.wait_text("Required.")  # no village picked
        ui.wait_text("Check the fields in red.")
        ui.shot("3-form-errors-en")

        ui.click("Bahasa Indonesia")
        ui.wait_text("Data peserta")
        flows.discard_form(ui)  # it asks first
        ui.wait_text("Belum ada pendaftaran.")
    finally:
        app.stop()
        server.stop()
