"""End to end, as a field officer: pair, enrol with the server down, sync, open the card;
then as a beneficiary: scan the card's QR and open the verification page."""

from __future__ import annotations

import io
import re
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import httpx
import zxingcpp
from PIL import Image

from enrolment.card_token import b64d, token_from_text, verify
from tests.e2e import flows
from tests.live import FieldAppProcess, ServerProcess

NIK = "5203074508900001"  # a woman born 05-08-1990, issued in Selong
WITA = ZoneInfo("Asia/Makassar")  # the tablet's time zone in this test


def qr_texts(png: bytes) -> list[str]:
    """The texts of the QR codes in a screenshot, read by a real decoder."""
    results = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]


def decode_qr_on_screen(ui, label: str, timeout: float = 15.0) -> str:
    """Screenshot until the QR image has been drawn, then decode it."""
    deadline = time.monotonic() + timeout
    while True:
        found = qr_texts(ui.shot(label))
        if found:
            return found[0]
        assert time.monotonic() < deadline, "no QR code found on the card screen"
        time.sleep(0.5)


def fits_a_phone(ui, text: str, label: str) -> None:
    """At 360 px the line holding `text` wraps inside the screen, not cut at its edge
    (then back to the page's own size)."""
    size = ui.page.viewport_size
    ui.page.set_viewport_size({"width": 360, "height": 740})
    try:
        line = ui.page.locator("flt-semantics", has_text=text).last
        ui.wait_text(text)
        ui.page.wait_for_timeout(500)  # the resized frame's layout
        box = ui.reveal(line).bounding_box()
        ui.shot(label)
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    finally:
        ui.page.set_viewport_size(size)


def test_enrol_offline_sync_and_verify_card(tmp_path, tablet, phone):
    server = ServerProcess(tmp_path / "server").start()
    app = FieldAppProcess(tmp_path / "tablet")
    app.env["TZ"] = "Asia/Makassar"  # Lombok's clock (UTC+8): home shows the tablet's time
    app.start()
    try:
        ui = tablet
        ui.open(app.url)
        ui.wait_text("Hubungkan tablet ke server")
        ui.shot("1-pair")
        ui.fill("Alamat server", server.url)
        ui.fill("Kode pemasangan", server.pairing_code())
        flows.fill_officer(ui, "Lalu Petugas", flows.PIN)
        ui.click("Hubungkan")
        ui.wait_text("Tablet terhubung.")

        server.stop()  # the village has no signal

        ui.click("Pendaftaran baru")
        ui.wait_text("Data peserta")
        ui.fill("NIK (16 angka)", NIK)
        ui.fill("Nama lengkap", "Siti Aminah")
        ui.fill("Tanggal lahir (HH-BB-TTTT)", "05-08-1990")
        ui.click("Perempuan", role="radio")
        ui.pick("Kecamatan", "Selong")
        ui.pick("Desa/Kelurahan", "Pancor")
        ui.fill("Nomor HP (boleh kosong)", "081234567890")
        ui.click("Pelaku UMKM", role="radio")
        ui.fill("Nama usaha", "Tenun Pancor")
        ui.pick("Jenis usaha", "Kerajinan (tenun, anyaman)")
        ui.fill("Bantuan modal diterima (Rp)", "750.000")
        ui.fill("Tanggal terima modal (HH-BB-TTTT)", "01-11-2026")
        ui.wait_text("Beralih ke peserta mandiri (bayar sendiri) mulai 01-11-2027")
        ui.fill("Penghasilan per bulan (Rp)", "1.500.000")
        ui.wait_text("Iuran per bulan: JKK Rp 15.000 + JKM Rp 6.800 = Rp 21.800")
        ui.shot("2-form")
        ui.click("Lanjut ke persetujuan")
        ui.wait_text("Untuk apa data dipakai")
        ui.click("Peserta menyetujui penggunaan datanya", role="checkbox")
        ui.shot("2b-consent")
        saved_from = datetime.now(WITA).replace(second=0, microsecond=0)
        ui.click("Simpan")
        ui.wait_text("Tersimpan di tablet")
        ui.wait_text("belum terkirim")
        ui.shot("3-saved-offline")
        # Home says how many records wait and since when, in the tablet's local time.
        ui.wait_text("1 menunggu dikirim sejak ")
        since = re.search(
            r"1 menunggu dikirim sejak (\d\d-\d\d-\d{4} \d\d:\d\d)", ui.visible_text()
        )
        assert since, "no waiting time shown"
        shown = datetime.strptime(since[1], "%d-%m-%Y %H:%M").replace(tzinfo=WITA)
        assert saved_from <= shown <= datetime.now(WITA)
        fits_a_phone(ui, "menunggu dikirim sejak", "3b-waiting-phone")

        ui.click("Sinkronkan")
        ui.wait_text("Server tidak dapat dihubungi")
        assert "belum terkirim" in ui.visible_text()

        server.start()
        ui.click("Sinkronkan")
        ui.wait_text("Sinkronisasi selesai: 1 diterima")
        ui.wait_text("No. peserta: LT0000001")
        # The line gives the totals the counters beside it show.
        ui.wait_text("Sekarang 1 terkirim, 0 perlu perhatian, 0 belum terkirim.")
        ui.page.get_by_role("button", name="1 Terkirim", exact=True).wait_for()
        ui.page.get_by_role("button", name="0 Belum terkirim", exact=True).wait_for()
        ui.wait_gone("menunggu dikirim")  # nothing waits any more
        ui.shot("4-synced")

        ui.click("Lihat kartu")
        ui.wait_text("Kartu peserta")
        link = decode_qr_on_screen(ui, "5-card")
        assert link.startswith(f"{server.url}/v/")

        keys = httpx.get(f"{server.url}/api/v1/keys").json()["keys"]
        claims = verify(token_from_text(link), {k["kid"]: b64d(k["x"]) for k in keys})
        assert (claims.member_no, claims.name) == ("LT0000001", "Siti Aminah")
        assert NIK not in link

        phone.page.goto(link)
        body = phone.page.inner_text("body")
        phone.page.screenshot(path=str(phone_shot(ui)))
        assert "5203********0001" in body
        assert NIK not in phone.page.content()
        assert "Siti Aminah" in body and "LT0000001" in body
    finally:
        app.stop()
        server.stop()


def phone_shot(ui):
    from tests.e2e.conftest import SCREENS

    SCREENS.mkdir(parents=True, exist_ok=True)
    return SCREENS / "phone-6-verification-page.png"
