"""Steps a field officer repeats, as reusable moves through the app's UI (Bahasa Indonesia)."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from dataclasses import dataclass, field

from field_app.store import Store
from tests.e2e.conftest import FletPage
from tests.live import ROOT


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


OFFICER = "Lalu Petugas"
PIN = "135790"


def pair(ui: FletPage, server, officer: str = OFFICER, pin: str = PIN) -> None:
    """Pair a fresh app with the test server as `officer` with `pin` (typed twice): a
    first pairing needs both, so the tablet's data is encrypted from the start. The app
    is then unlocked as that officer; after a restart it opens at the sign-in screen."""
    ui.wait_text("Hubungkan tablet ke server")
    ui.fill("Alamat server", server.url)
    ui.fill("Kode pemasangan", server.pairing_code())
    fill_officer(ui, officer, pin)
    ui.click("Hubungkan")
    ui.wait_text("Tablet terhubung.")


def fill_officer(ui: FletPage, officer: str = OFFICER, pin: str = PIN) -> None:
    """The pairing screen's officer name and new PIN, typed twice."""
    ui.fill("Nama petugas", officer)
    fill_pin(ui, "PIN (minimal 6 angka)", pin)
    fill_pin(ui, "Ulangi PIN", pin)


def open_store(app, pin: str = PIN, officer: str = OFFICER) -> Store:
    """The app's store file opened beside the running app and unlocked with `officer`'s
    PIN (a paired tablet's data is sealed: a locked store refuses to read or write it).
    Close it when done."""
    store = Store(app.data_dir / "field_app.db")
    me = next(o for o in store.officers() if o.name == officer)
    store.unlock(me.officer_id, pin)
    return store


def fill_pin(ui: FletPage, label: str, pin: str) -> None:
    """Type into a PIN box: a password input has no textbox role, so it is found by its
    label (and, like `FletPage.fill`, checked to hold what was typed)."""
    for _ in range(3):
        box = ui.reveal(ui.page.get_by_label(label, exact=True))
        box.focus()
        time.sleep(0.2)
        box = ui.page.get_by_label(label, exact=True)
        box.fill(pin)
        time.sleep(0.1)
        if box.input_value() == pin:
            return
    raise AssertionError(f"could not type into {label!r}")


def sign_in(ui: FletPage, pin: str = PIN, officer: str = "") -> None:
    """At the sign-in screen: tap the officer's name (when several are listed), type the
    PIN, unlock."""
    ui.wait_text("Masuk petugas")
    if officer:
        ui.click(officer)
    fill_pin(ui, "PIN", pin)
    ui.click("Buka")


def lock(ui: FletPage) -> None:
    """Home's Kunci button: the sign-in screen shows."""
    ui.click("Kunci")
    ui.wait_text("Masuk petugas")


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


def scan_picture(ui: FletPage, button: str, picture: bytes, kind: str = "image/png") -> None:
    """Tap a scan button and choose `picture` in the file picker it opens (the browser
    and desktop app read a QR from an image file; the Android app uses the camera)."""
    with ui.page.expect_file_chooser(timeout=30_000) as chooser:
        ui.click(button)
    suffix = "png" if kind == "image/png" else "jpg"
    chooser.value.set_files(files=[{"name": f"qr.{suffix}", "mimeType": kind, "buffer": picture}])


def rendered_svg(ui: FletPage, svg: str) -> bytes:
    """A PNG of an inline SVG (the desk's QR codes) as a browser draws it on screen."""
    page = ui.page.context.new_page()
    try:
        page.set_content(f"<body style='margin:20px;background:#fff'>{svg}</body>")
        return page.locator("svg").screenshot()
    finally:
        page.close()


def discard_form(ui: FletPage) -> None:
    """The form's "Buang formulir": it asks first; answer Buang (tapped again while the
    dialog still opens on a loaded machine) and wait until the question is gone."""
    ui.click("Buang formulir")
    ui.wait_text("Buang formulir ini?")
    for _ in range(3):
        ui.click("Buang")
        try:
            ui.page.get_by_role("button", name="Batal", exact=True).wait_for(
                state="detached", timeout=10_000
            )
            return
        except Exception:  # the tap landed while the dialog was still growing
            continue
    raise AssertionError("the discard question did not close")


def area_pairing_code(server, kecamatan: str, name: str = "tablet desa") -> str:
    """A fresh pairing code for a tablet working in `kecamatan` (dotted codes, comma
    separated): its pulls bring that area's education sessions and UMKM owners due."""
    out = subprocess.run(
        [sys.executable, "-m", "sync_server", "pair", "--name", name, "--kecamatan", kecamatan],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
    )
    return out.stdout.strip().splitlines()[-1]


def pair_in_area(ui: FletPage, server, kecamatan: str, officer: str = OFFICER) -> None:
    """`pair`, with a pairing code for a tablet working in `kecamatan`."""
    ui.wait_text("Hubungkan tablet ke server")
    ui.fill("Alamat server", server.url)
    ui.fill("Kode pemasangan", area_pairing_code(server, kecamatan))
    fill_officer(ui, officer, PIN)
    ui.click("Hubungkan")
    ui.wait_text("Tablet terhubung.")


def server_cli(server, *args: str) -> subprocess.CompletedProcess[str]:
    """`python -m sync_server ARGS` against the live server's database."""
    return subprocess.run(
        [sys.executable, "-m", "sync_server", *args],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )


def sync(ui: FletPage) -> None:
    """Home's Sinkronkan, waited for until its answer shows (a background sync may have
    sent everything already: then "nothing to send" is the answer). Call it on a home
    just opened (its status line empty), so an earlier answer is not taken for this one."""
    ui.wait_gone("Sinkronisasi selesai")
    ui.click("Sinkronkan")
    ui.wait_any(("Sinkronisasi selesai", "Tidak ada data yang perlu dikirim"), timeout=90)


def tap_entry(ui: FletPage, text: str) -> None:
    """Tap the list entry (a button holding several lines) whose lines include `text`."""
    entry = ui.page.get_by_role("button", name=re.compile(re.escape(text))).first
    ui.reveal(entry).click()


def wait_value(ui: FletPage, label: str, value: str, timeout: float = 20.0) -> None:
    """Wait until the text box labelled `label` holds `value` (Flutter puts a field's
    text into its DOM input only while it is focused: focus it first)."""
    deadline = time.monotonic() + timeout
    box = ui.reveal(ui.textbox(label))
    box.focus()
    while time.monotonic() < deadline:
        if ui.textbox(label).input_value() == value:
            return
        time.sleep(0.2)
    ui.shot("failure")
    raise AssertionError(f"{label!r} does not hold {value!r}")
