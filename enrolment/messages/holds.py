"""A record held at ingest as a likely duplicate: its outcome on the tablet and its
review on the desk."""

from __future__ import annotations

HOLDS: dict[str, dict[str, str]] = {
    # The reason a held record is answered with (sync_server/services/ingest_hold.py).
    # It names the member only by a masked NIK: no name, no number, no full NIK.
    "held_duplicate": {
        "id": "Ditahan untuk pemeriksaan: mirip peserta yang sudah terdaftar (NIK {nik}):"
        " tanggal lahir dan jenis kelamin sama, nama mirip ({score} %), {place}."
        " Belum ada nomor anggota atau kartu. Koordinator akan memutuskan apakah ini"
        " orang yang sama; tidak perlu dikirim ulang.",
        "en": "Held for review: resembles a member already enrolled (NIK {nik}):"
        " the same birth date and sex, a similar name ({score} %), {place_en}."
        " No member number or card yet. The coordinator will decide whether this is the"
        " same person; no need to send it again.",
    },
    # The tablet's status of a held record (field_app/store.py, Status.HELD).
    "status_held": {"id": "ditahan untuk pemeriksaan", "en": "held for review"},
}
