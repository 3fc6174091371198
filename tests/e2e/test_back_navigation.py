"""Back walks the view stack: from the form home with the draft kept, from the card
check home. The browser's back button stands in for Android's
back gesture (both pop the top view)."""

from __future__ import annotations

from tests.e2e.flows import pair
from tests.live import FieldAppProcess, ServerProcess


def back_from(ui, route: str) -> None:
    """The browser's back button once the page's address is `route`: on a loaded
    machine Flet pushes the history entry a moment after the view shows, and a back
    pressed before it would leave the previous entry instead."""
    ui.page.wait_for_function(
        "r => location.pathname.endsWith(r) || location.hash.endsWith(r)", arg=route
    )
    ui.page.go_back()


def test_back_never_drops_a_form_being_filled(tmp_path, tablet):
    server = ServerProcess(tmp_path / "server").start()
    app = FieldAppProcess(tmp_path / "tablet").start()
    try:
        ui = tablet
        ui.open(app.url)
        pair(ui, server)

        ui.click("Pendaftaran baru")
        ui.wait_text("Data peserta")
        ui.fill("NIK (16 angka)", "5203074508900001")
        ui.fill("Nama lengkap", "Baiq Nurul")
        back_from(ui, "/form")
        ui.wait_text("Formulir belum selesai")
        ui.wait_text("Baiq Nurul")
        ui.wait_gone("Data peserta")
        ui.shot("back-1-draft-kept")

        ui.click("Lanjutkan")
        ui.wait_text("Data peserta")
        ui.wait_gone("Formulir belum selesai")  # home lies under the form, out of sight
        back_from(ui, "/form")
        ui.wait_text("Formulir belum selesai")
        ui.wait_text("Baiq Nurul")  # one draft, still there after a second back

        ui.click("Periksa kartu")
        ui.wait_text("Periksa kartu peserta")
        back_from(ui, "/verify")
        ui.wait_gone("Periksa kartu peserta")
        ui.wait_text("Pendaftaran baru")
    finally:
        app.stop()
        server.stop()
