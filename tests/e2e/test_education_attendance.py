"""Attendance at an education session on the tablet: the session pulled from the server,
a member's printed card scanned (counted once), a revoked card refused with its reason,
an NIK typed wrong then right, a guest recorded and offered enrolment, and the status of
each after a sync; on a phone (360×800) and a tablet (800×1280), in both languages."""

from __future__ import annotations

from datetime import date

import httpx
import pytest
import sqlalchemy as sa
from sqlmodel import Session

from enrolment.card_token import split_token, token_from_text
from enrolment.protocol import decode_push_reply
from field_app.qr_image import read_qr
from sync_server.models import EducationSession
from tests.conftest import person
from tests.e2e import flows
from tests.e2e.conftest import FletPage
from tests.e2e.test_back_navigation import back_from
from tests.e2e.test_form_guidance import contrast, notice_colours
from tests.live import ServerProcess

KEC = "52.03.07"
VILLAGE = "52.03.07.1001"
PRESENT, REVOKED = "Lalu Hadir Sesi", "Baiq Kartu Dicabut"
LATE = "Amaq Dicabut Belakangan"  # revoked after the tablet's last pull


def members_with_cards(server: ServerProcess) -> dict[str, tuple[str, bytes]]:
    """Two members made on the server by another tablet: name -> (member number, the
    PNG of the card the server prints for them)."""
    token = server.pair("tablet lain")
    people = [
        person(811, name=PRESENT),
        person(812, name=REVOKED, female=True),
        person(813, name=LATE),
    ]
    reply = server.push(token, people)
    assert reply.status_code == 200, reply.text
    results = decode_push_reply(reply.json(), people)
    out = {}
    for who, result in zip(people, results, strict=True):
        assert result.member_no and result.card, result
        png = httpx.get(
            f"{server.url}/api/v1/cards/{result.member_no}.png",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert png.status_code == 200, png.text
        out[who.full_name] = (result.member_no, png.content)
    return out


def plan_session(server: ServerProcess) -> None:
    """A coordinator's session today in the tablet's area, as the desk stores it."""
    engine = sa.create_engine(server.database_url)
    try:
        with Session(engine) as db:
            db.add(
                EducationSession(
                    uid="sesiuji01",
                    topic="financial_literacy",
                    village_code=VILLAGE,
                    held_on=date.today(),
                    place="Balai Desa Pancor",
                    facilitator="Ibu Rina Kurniawati",
                    segments="umkm_owner,tobacco_farmer",
                )
            )
            db.commit()
    finally:
        engine.dispose()


def serial_of(png: bytes) -> int:
    text = read_qr(png)
    assert text is not None
    return split_token(token_from_text(text)).claims.serial


def open_attendance(ui: FletPage) -> None:
    ui.click("Sesi edukasi")
    ui.wait_text("Literasi keuangan")
    ui.wait_text("Fasilitator: Ibu Rina Kurniawati")
    ui.wait_text("Tempat: Balai Desa Pancor")
    ui.wait_text("Untuk: Pelaku UMKM, Petani tembakau")
    ui.wait_text(f"{date.today().strftime('%d-%m-%Y')} (hari ini) · Pancor, Selong")
    ui.shot("edu-2-sessions")
    flows.tap_entry(ui, "Literasi keuangan")
    ui.wait_text("Kehadiran sesi")
    ui.wait_text("Belum ada yang tercatat hadir di tablet ini.")


@pytest.mark.parametrize("screen", ["phone", "tablet"])
def test_attendance_by_card_nik_and_guest(system, screen, request):
    server, app = system
    ui: FletPage = request.getfixturevalue(screen)
    cards = members_with_cards(server)
    flows.server_cli(server, "revoke-card", str(serial_of(cards[REVOKED][1])), "--reason", "lost")
    ui.open(app.url)
    flows.pair_in_area(ui, server, KEC)
    ui.wait_text("Tindak lanjut UMKM")
    ui.shot("edu-0-home")
    ui.click("Sesi edukasi")
    ui.wait_text("Belum ada sesi; sinkronkan untuk mengambil jadwal.")
    ui.shot("edu-1-no-sessions")
    ui.click("Kembali")
    plan_session(server)
    flows.sync(ui)  # keys, the revoked serial and the session
    open_attendance(ui)
    ui.shot("edu-3-attendance")

    # A card revoked since the last pull reads as valid offline: recorded, and the
    # server refuses it at the next sync (shown below, with its reason).
    flows.server_cli(server, "revoke-card", str(serial_of(cards[LATE][1])), "--reason", "stolen")
    flows.scan_picture(ui, "Pindai kartu", cards[LATE][1])
    ui.wait_text(f"{LATE} hadir.", timeout=60)
    ui.wait_text("Dicatat di tablet ini: 1")

    member_no, png = cards[PRESENT]
    flows.scan_picture(ui, "Pindai kartu", png)
    ui.wait_text(f"{PRESENT} hadir.", timeout=60)
    ui.wait_text("Dicatat di tablet ini: 2")
    ui.wait_text(f"No. peserta: {member_no}")
    ui.wait_text("menunggu dikirim")
    bg, ink = notice_colours(ui, f"{PRESENT} hadir.", "edu-4-present")
    assert bg[1] > bg[0] and bg[1] > bg[2] and contrast(bg, ink) >= 4.5, bg  # green
    flows.scan_picture(ui, "Pindai kartu", png)  # the same card again: counted once
    ui.wait_text(f"{PRESENT} sudah tercatat hadir di sesi ini.", timeout=60)
    ui.wait_text("Dicatat di tablet ini: 2")
    bg, ink = notice_colours(ui, "sudah tercatat hadir di sesi ini", "edu-4-already")
    assert bg[0] >= bg[1] > bg[2] + 10 and contrast(bg, ink) >= 4.5, bg  # amber

    flows.scan_picture(ui, "Pindai kartu", cards[REVOKED][1])
    ui.wait_text(f"Kartu {REVOKED} sudah dicabut — tidak dihitung hadir.", timeout=60)
    ui.wait_text("Dicatat di tablet ini: 2")
    bg, ink = notice_colours(ui, f"Kartu {REVOKED} sudah dicabut", "edu-5-revoked")
    assert bg[0] > bg[1] + 10 and bg[0] > bg[2] + 10 and contrast(bg, ink) >= 4.5, bg  # red

    ui.click("Dengan NIK")
    ui.fill("NIK yang hadir (16 angka)", "52030712")
    ui.click("Catat hadir dengan NIK")
    ui.wait_text("NIK harus 16 angka.")
    ui.shot("edu-6-nik-error")
    ui.fill("NIK yang hadir (16 angka)", "5203071708850999")
    ui.wait_gone("NIK harus 16 angka.")
    ui.click("Catat hadir dengan NIK")
    ui.wait_text("5203********0999 hadir.")
    ui.wait_text("Dicatat di tablet ini: 3")

    ui.click("Bukan peserta")
    ui.click("Catat tamu hadir")
    ui.wait_text("Nama peserta yang hadir belum diisi.")
    ui.fill("Nama tamu", "Baiq Tamu Sesi")
    ui.wait_gone("Nama peserta yang hadir belum diisi.")
    ui.click("Catat tamu hadir")
    ui.wait_text("Baiq Tamu Sesi tercatat hadir sebagai tamu (bukan peserta).")
    ui.wait_text("Dicatat di tablet ini: 4")
    ui.shot("edu-7-guest")
    ui.click("English")
    ui.wait_text("Baiq Tamu Sesi is recorded present as a guest (not a member).")
    ui.wait_text("waiting to be sent")
    ui.shot("edu-8-english")
    ui.click("Bahasa Indonesia")
    ui.click("Daftarkan sekarang")
    ui.wait_text("Data peserta")
    flows.wait_value(ui, "Nama lengkap", "Baiq Tamu Sesi")
    flows.discard_form(ui)

    # Sent with the regular Sync: each attendee then shows it went through.
    flows.sync(ui)
    open_attendance_again(ui)
    ui.wait_text(PRESENT)
    ui.wait_gone("menunggu dikirim", timeout=30)
    ui.wait_text("terkirim")
    ui.wait_text("perlu perhatian")  # the card revoked since the last pull
    ui.wait_text("Kartu ini sudah dicabut (dicuri): tidak dihitung hadir.")
    ui.shot("edu-9-sent")
    # Android's back gesture (the browser's back here) walks down the screens...
    back_from(ui, "/sessions/attendance")
    ui.wait_text("Ketuk sesi untuk mencatat kehadiran.")
    back_from(ui, "/sessions")
    ui.wait_text("Pendaftaran baru")
    # ...as the screens' own buttons do.
    open_attendance_again(ui)
    ui.click("Kembali ke daftar sesi")
    ui.wait_text("Ketuk sesi untuk mencatat kehadiran.")
    ui.click("Kembali")
    ui.wait_text("Pendaftaran baru")


def open_attendance_again(ui: FletPage) -> None:
    ui.click("Sesi edukasi")
    flows.tap_entry(ui, "Literasi keuangan")
    ui.wait_text("Dicatat di tablet ini: 4")
