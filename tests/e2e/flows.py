"""Steps a field officer repeats, as reusable moves through the app's UI (Bahasa Indonesia)."""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.e2e.conftest import FletPage


@dataclass
class Person:
    """Who is typed into the form: identity, place, and the segment's own fields."""

    nik: str
    name: str
    segment: str  # the segment's radio label, e.g. "Pelaku UMKM"
    kecamatan: str = "Selong"
    village: str = "Pancor"
    income: str = "1500000"
    details: dict[str, str] = field(default_factory=dict)  # text box label -> value
    picks: dict[str, str] = field(default_factory=dict)  # dropdown label -> option
    radios: list[str] = field(default_factory=list)  # radio labels to tap


def pair(ui: FletPage, server) -> None:
    """Pair a fresh app with the test server."""
    ui.wait_text("Hubungkan tablet ke server")
    ui.fill("Alamat server", server.url)
    ui.fill("Kode pemasangan", server.pairing_code())
    ui.fill("Nama petugas", "Lalu Petugas")
    ui.click("Hubungkan")
    ui.wait_text("Tablet terhubung.")


def fill_identity(ui: FletPage, p: Person) -> None:
    """NIK and name (sex and birth date are read from the NIK), then the village."""
    ui.fill("NIK (16 angka)", p.nik)
    ui.fill("Nama lengkap", p.name)
    ui.pick("Kecamatan", p.kecamatan)
    ui.pick("Desa/Kelurahan", p.village)


def fill_segment(ui: FletPage, p: Person) -> None:
    """Choose the segment, fill its own fields and the income."""
    ui.click(p.segment, role="radio")
    for label, value in p.details.items():
        ui.fill(label, value)
    for label, option in p.picks.items():
        ui.pick(label, option)
    for label in p.radios:
        ui.click(label, role="radio")
    ui.fill("Penghasilan per bulan (Rp)", p.income)


def consent_and_save(ui: FletPage, shot: str = "") -> None:
    """Go to the consent step, tick it, save."""
    ui.click("Lanjut ke persetujuan")
    ui.wait_text("Untuk apa data dipakai")
    ui.click("Peserta menyetujui penggunaan datanya", role="checkbox")
    if shot:
        ui.shot(shot)
    ui.click("Simpan")
    # With the server up, background sync may replace the "saved" notice with its own
    # report before the next look: either shows the record is on the tablet.
    ui.wait_any(("tersimpan di tablet", "Sinkronisasi selesai"))


def add_member(ui: FletPage, n: int, nik: str, name: str, relation: str) -> None:
    """Add family member number `n` (the person in the form is member 1)."""
    ui.click("Tambah anggota keluarga")
    ui.fill(f"NIK anggota {n}", nik)
    ui.fill(f"Nama anggota {n}", name)
    ui.pick(f"Hubungan anggota {n}", relation)
