"""Every segment enrolled through the UI, synced, and made a member on the server;
households with their family (each member its own member number); a card checked
offline on the tablet."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import httpx
import pytest
from PIL import Image, ImageFilter

from enrolment.card_token import split_token
from sync_server.services.card_png import render_card_png
from tests.conftest import nik_for
from tests.e2e import flows
from tests.e2e.conftest import FletPage
from tests.live import FieldAppProcess, ServerProcess

MEMBER_NO = re.compile(r"No\. peserta: (LT\d{7})")


@pytest.fixture(scope="module")
def field(browser, tmp_path_factory) -> Iterator[tuple[FletPage, ServerProcess, FieldAppProcess]]:
    """One server, one paired app, one tablet-sized page for the whole module."""
    root = tmp_path_factory.mktemp("segments")
    server = ServerProcess(root / "server").start()
    app = FieldAppProcess(root / "tablet").start()
    ctx = browser.new_context(viewport={"width": 800, "height": 1280})
    ui = FletPage(ctx.new_page(), "tablet-seg")
    try:
        ui.open(app.url)
        flows.pair(ui, server)
        yield ui, server, app
    finally:
        ctx.close()
        app.stop()
        server.stop()


def sync_and_member_numbers(ui: FletPage, search: str, expected: int) -> list[str]:
    """Sync, then search the list and return the member numbers shown for `search`."""
    ui.click("Sinkronkan")  # (the background sync may already have sent them)
    ui.fill("Cari nama atau NIK", search)
    ui.wait_text(search)
    for _ in range(150):
        found = MEMBER_NO.findall(ui.visible_text())
        if len(found) >= expected:
            return found
        ui.page.wait_for_timeout(200)
    ui.shot("failure")
    raise AssertionError(f"expected {expected} member numbers for {search!r}: {found}")


SINGLE = {
    "tobacco_farmer": flows.Person(
        nik=nik_for(101, year=1978),
        name="Lalu Tembakau Uji",
        segment="Petani tembakau",
        details={
            "Kelompok tani": "Poktan Maju Bersama",
            "Luas lahan (ha)": "0,75",
            "Musim tanam (mis. 2026)": "2026",
        },
    ),
    "village_official": flows.Person(
        nik=nik_for(102, year=1975),
        name="Lalu Kadus Uji",
        segment="Perangkat desa",
        details={
            "Jabatan": "Kepala Dusun",
            "Nomor SK pengangkatan": "141/12/DS/2025",
            "Tanggal SK (HH-BB-TTTT)": "02-01-2025",
        },
    ),
    "security_cadre": flows.Person(
        nik=nik_for(103, year=1990),
        name="Zaenal Linmas Uji",
        segment="Kader keamanan / linmas",
        details={
            "Jabatan": "Anggota Linmas",
            "Nomor SK pengangkatan": "300/04/LINMAS/2024",
            "Tanggal SK (HH-BB-TTTT)": "15-03-2024",
        },
    ),
    "umkm_owner": flows.Person(
        nik=nik_for(104, year=1988, female=True),
        name="Baiq Usaha Uji",
        segment="Pelaku UMKM",
        details={
            "Nama usaha": "Kopi Rinjani",
            "NIB (boleh kosong)": "1234567890123",
            "Bantuan modal diterima (Rp)": "1.000.000",
            "Tanggal terima modal (HH-BB-TTTT)": "20-11-2026",
        },
        picks={"Jenis usaha": "Makanan / minuman"},
    ),
    "construction_worker": flows.Person(
        nik=nik_for(105, year=1995),
        name="Rahmat Proyek Uji",
        segment="Pekerja proyek konstruksi",
        details={
            "Nama proyek": "Rehabilitasi Jalan Pancor",
            "Kontraktor": "CV Rinjani Jaya",
            "Tanggal SPK (HH-BB-TTTT)": "10-10-2026",
        },
    ),
}


@pytest.mark.parametrize("segment", list(SINGLE))
def test_each_segment_is_enrolled_and_becomes_a_member(field, segment):
    ui, _server, _app = field
    person = SINGLE[segment]
    ui.click("Pendaftaran baru")
    ui.wait_text("Data peserta")
    flows.fill_identity(ui, person)
    flows.fill_segment(ui, person)
    ui.wait_text("Iuran per bulan: JKK Rp 15.000 + JKM Rp 6.800 = Rp 21.800")
    if segment == "umkm_owner":
        ui.wait_text("Beralih ke peserta mandiri (bayar sendiri) mulai 20-11-2027")
    ui.shot(f"form-{segment}")
    flows.consent_and_save(ui)
    [member_no] = sync_and_member_numbers(ui, person.nik, 1)
    assert member_no.startswith("LT")
    ui.shot(f"synced-{segment}")


def test_poor_household_of_three_becomes_three_members(field):
    ui, _server, _app = field
    head = flows.Person(
        nik=nik_for(201, year=1980),
        name="Amaq Sahnan",
        segment="Masyarakat miskin",
        income="600000",
    )
    ui.click("Pendaftaran baru")
    ui.wait_text("Data peserta")
    flows.fill_identity(ui, head)
    flows.fill_segment(ui, head)
    ui.wait_text("Keluarga (sesuai KK)")
    ui.fill("Nomor KK (16 angka)", "5203071203150007")
    flows.add_member(ui, 2, nik_for(202, year=1983, female=True), "Inaq Sahnan", "Istri/Suami")
    flows.add_member(ui, 3, nik_for(203, year=2010), "Sahnan Junior", "Anak")
    ui.wait_text("seluruh keluarga (3 orang): Rp 50.400 per bulan")
    ui.shot("form-household")
    ui.click("Lanjut ke persetujuan")
    ui.wait_text("Yang akan didaftarkan: Amaq Sahnan, Inaq Sahnan, Sahnan Junior")
    ui.click("Dibacakan oleh petugas", role="radio")
    ui.click("Peserta menyetujui penggunaan datanya", role="checkbox")
    ui.shot("consent-household")
    ui.click("Simpan")
    ui.wait_any(("3 anggota keluarga tersimpan di tablet", "Sinkronisasi selesai"))
    numbers = sync_and_member_numbers(ui, "Sahnan", 3)
    assert len(set(numbers)) == 3
    ui.wait_text("Keluarga KK 5203071203150007 · Istri/Suami")
    ui.shot("synced-household")


def test_migrant_worker_is_enrolled_with_family(field):
    ui, _server, _app = field
    worker = flows.Person(
        nik=nik_for(301, year=1992, female=True),
        name="Rohani Migran",
        segment="Pekerja migran",
        details={"Negara tujuan": "Malaysia"},
        radios=["Sedang bekerja di luar negeri"],
        income="4000000",
    )
    ui.click("Pendaftaran baru")
    ui.wait_text("Data peserta")
    flows.fill_identity(ui, worker)
    flows.fill_segment(ui, worker)
    ui.fill("Nomor KK (16 angka)", "5203071203150099")
    ui.pick("Hubungan dengan kepala keluarga", "Istri/Suami")
    flows.add_member(ui, 2, nik_for(302, year=1990), "Hamdani Migran", "Kepala keluarga")
    flows.consent_and_save(ui)
    numbers = sync_and_member_numbers(ui, "Migran", 2)
    assert len(set(numbers)) == 2


def photo_of_card(png: bytes) -> bytes:
    """The printed card photographed on a table: smaller, turned, out of focus, JPEG."""
    card = Image.open(io.BytesIO(png)).convert("RGB").resize((760, 480))
    card = card.rotate(11, expand=True, fillcolor=(96, 80, 64))
    out = io.BytesIO()
    card.filter(ImageFilter.GaussianBlur(1.2)).save(out, format="JPEG", quality=65)
    return out.getvalue()


def test_a_card_is_checked_offline_on_the_tablet(field):
    ui, server, app = field
    # What a pull stores: the server's public keys (seeded here so this test does not
    # depend on the pull endpoint), then one card revoked.
    keys = httpx.get(f"{server.url}/api/v1/keys").json()["keys"]
    store = flows.open_store(app)
    store.apply_pull(
        cursor="", keys={k["kid"]: k["x"] for k in keys}, revoked=[], roster=[], roster_full=False
    )
    sent = [i for i in store.list_enrolments() if i.card_token]
    good, revoked = sent[0], sent[1]
    server.stop()  # the check must work without a connection
    try:
        ui.fill("Cari nama atau NIK", "")
        ui.click("Periksa kartu")
        ui.wait_text("Periksa kartu peserta")
        # A photo of the card the server prints (JPEG, smaller, turned, blurred): read and
        # judged with the cached keys.
        printed = render_card_png(
            split_token(good.card_token).claims, f"{server.url}/v/{good.card_token}"
        )
        flows.scan_picture(ui, "Pindai QR kartu", photo_of_card(printed), "image/jpeg")
        # The upload and the QR read take their time on a loaded machine.
        ui.wait_text("Kartu ASLI dan berlaku", timeout=60)
        ui.wait_text(f"No. peserta: {good.member_no}")
        ui.wait_text(f"Nama: {good.record.full_name}")
        ui.shot("verify-valid")
        ui.fill("Isi kode QR kartu", f"{server.url}/v/{good.card_token}")  # or typed
        ui.click("Periksa")
        ui.wait_text("Kartu ASLI dan berlaku")

        forged = good.card_token[:-4] + ("AAAA" if not good.card_token.endswith("AAAA") else "BBBB")
        ui.fill("Isi kode QR kartu", forged)
        ui.click("Periksa")
        ui.wait_text("Kartu TIDAK ASLI")

        serial = split_token(revoked.card_token).claims.serial
        store.apply_pull(cursor="", keys={}, revoked=[serial], roster=[], roster_full=False)
        printed = render_card_png(
            split_token(revoked.card_token).claims, f"{server.url}/v/{revoked.card_token}"
        )
        flows.scan_picture(ui, "Pindai QR kartu", printed)
        ui.wait_text("Kartu DICABUT", timeout=60)
        ui.shot("verify-revoked")
        ui.click("English")
        ui.wait_text("Card REVOKED")
        ui.click("Bahasa Indonesia")
        ui.click("Kembali")
    finally:
        store.close()
        server.start()
