"""The tablet's screens for education sessions (attendance) and UMKM follow-up visits."""

from __future__ import annotations

ACTIVITIES_APP: dict[str, dict[str, str]] = {
    # Home's buttons.
    "edu_button": {"id": "Sesi edukasi", "en": "Education sessions"},
    "umkm_button": {"id": "Tindak lanjut UMKM", "en": "UMKM follow-up"},
    "umkm_button_n": {"id": "Tindak lanjut UMKM ({n})", "en": "UMKM follow-up ({n})"},
    # The sessions screen.
    "edu_title": {"id": "Sesi edukasi", "en": "Education sessions"},
    "edu_help": {
        "id": "Sesi di wilayah tablet ini, yang terdekat dulu. Ketuk sesi untuk mencatat "
        "kehadiran.",
        "en": "Sessions in this tablet's area, the nearest first. Tap a session to record "
        "attendance.",
    },
    "edu_empty": {
        "id": "Belum ada sesi; sinkronkan untuk mengambil jadwal.",
        "en": "No sessions yet; sync to fetch the schedule.",
    },
    "edu_today": {"id": "hari ini", "en": "today"},
    "edu_place": {"id": "Tempat: {place}", "en": "Place: {place}"},
    "edu_facilitator": {"id": "Fasilitator: {name}", "en": "Facilitator: {name}"},
    "edu_for": {"id": "Untuk: {segments}", "en": "For: {segments}"},
    # The attendance screen.
    "att_title": {"id": "Kehadiran sesi", "en": "Session attendance"},
    "att_scan": {"id": "Pindai kartu", "en": "Scan a card"},
    "att_by_nik": {"id": "Dengan NIK", "en": "By NIK"},
    "att_guest": {"id": "Bukan peserta", "en": "Not a member"},
    "att_nik_help": {
        "id": "Untuk peserta yang tidak membawa kartunya.",
        "en": "For a member who did not bring their card.",
    },
    "att_nik_label": {"id": "NIK yang hadir (16 angka)", "en": "Attendee's NIK (16 digits)"},
    "att_nik_save": {"id": "Catat hadir dengan NIK", "en": "Record present by NIK"},
    "att_guest_help": {
        "id": "Untuk yang hadir tetapi belum menjadi peserta: dicatat sebagai tamu, lalu "
        "bisa langsung didaftarkan.",
        "en": "For someone present who is not a member yet: recorded as a guest, then "
        "they can be enrolled straight away.",
    },
    "att_guest_name": {"id": "Nama tamu", "en": "Guest's name"},
    "att_guest_nik": {"id": "NIK tamu (jika ada)", "en": "Guest's NIK (if known)"},
    "att_guest_save": {"id": "Catat tamu hadir", "en": "Record the guest present"},
    "att_present": {"id": "{name} hadir.", "en": "{name} is present."},
    "att_expired_note": {
        "id": "Kartu ini sudah lewat masa berlaku ({date}); pemegangnya tetap dihitung "
        "hadir. Sarankan mengurus kartu baru.",
        "en": "This card expired on {date}; its holder is still counted present. Suggest "
        "getting a new card.",
    },
    "att_guest_recorded": {
        "id": "{name} tercatat hadir sebagai tamu (bukan peserta).",
        "en": "{name} is recorded present as a guest (not a member).",
    },
    "att_enrol_now": {"id": "Daftarkan sekarang", "en": "Enrol now"},
    "att_already": {
        "id": "{name} sudah tercatat hadir di sesi ini.",
        "en": "{name} is already recorded present at this session.",
    },
    "att_revoked": {
        "id": "Kartu {name} sudah dicabut — tidak dihitung hadir.",
        "en": "{name}'s card has been revoked — not counted as present.",
    },
    "att_not_genuine": {
        "id": "Bukan kartu asli Lombok Timur — tidak dihitung hadir.",
        "en": "Not a genuine Lombok Timur card — not counted as present.",
    },
    "att_unknown_key": {
        "id": "Kunci kartu ini belum dikenal tablet: sinkronkan dulu, lalu pindai lagi.",
        "en": "This tablet does not know the card's key yet: sync first, then scan again.",
    },
    "att_list_title": {"id": "Dicatat di tablet ini: {n}", "en": "Recorded on this tablet: {n}"},
    "att_list_empty": {
        "id": "Belum ada yang tercatat hadir di tablet ini.",
        "en": "No one is recorded present on this tablet yet.",
    },
    "att_method_card": {"id": "kartu", "en": "card"},
    "att_method_nik": {"id": "NIK", "en": "NIK"},
    "att_method_guest": {"id": "tamu", "en": "guest"},
    "att_back": {"id": "Kembali ke daftar sesi", "en": "Back to the sessions"},
    # The status of an activity recorded on this tablet.
    "act_refused_title": {
        "id": "Ditolak server ({n}), tidak dikirim ulang: periksa alasannya.",
        "en": "Refused by the server ({n}), not sent again: see why.",
    },
    "act_status_pending": {"id": "menunggu dikirim", "en": "waiting to be sent"},
    "act_status_sent": {"id": "terkirim", "en": "sent"},
    "act_status_rejected": {"id": "perlu perhatian", "en": "needs attention"},
    "act_already_counted": {
        "id": "sudah tercatat hadir dari tablet lain",
        "en": "already recorded present from another tablet",
    },
    # The UMKM follow-up screen.
    "umkm_title": {"id": "Tindak lanjut UMKM", "en": "UMKM follow-up"},
    "umkm_help": {
        "id": "Pelaku UMKM di wilayah ini yang waktunya beralih ke kepesertaan berbayar, "
        "yang paling awal dulu. Ketuk untuk mencatat hasil kunjungan.",
        "en": "UMKM owners of this area due to move to paid membership, the earliest "
        "first. Tap one to record the outcome of a visit.",
    },
    "umkm_empty": {
        "id": "Tidak ada pelaku UMKM yang jatuh tempo; sinkronkan untuk memperbarui.",
        "en": "No UMKM owner is due; sync to update the list.",
    },
    "umkm_due_on": {"id": "Jatuh tempo {date}", "en": "Due {date}"},
    "umkm_overdue": {"id": "terlambat {n} hari", "en": "{n} days overdue"},
    "umkm_due_today": {"id": "jatuh tempo hari ini", "en": "due today"},
    "umkm_phone": {"id": "Telepon: {phone}", "en": "Phone: {phone}"},
    "umkm_cash": {"id": "Modal usaha: {amount}", "en": "Start-up cash: {amount}"},
    "umkm_record": {"id": "Catat kunjungan", "en": "Record a visit"},
    "umkm_outcome_title": {"id": "Hasil kunjungan", "en": "Outcome of the visit"},
    "umkm_starts_label": {
        "id": "Mulai peserta berbayar (HH-BB-TTTT)",
        "en": "Paid membership starts (DD-MM-YYYY)",
    },
    "umkm_starts_format": {
        "id": "Tulis tanggal sebagai HH-BB-TTTT, misalnya 01-02-2027.",
        "en": "Write the date as DD-MM-YYYY, for example 01-02-2027.",
    },
    "umkm_reason_label": {"id": "Alasan menolak", "en": "Reason for declining"},
    "umkm_choose": {"id": "Pilih hasil kunjungan.", "en": "Choose the outcome of the visit."},
    "umkm_save": {"id": "Simpan kunjungan", "en": "Save the visit"},
    "umkm_saved": {
        "id": "Kunjungan ke {name} tersimpan: {outcome}.",
        "en": "Visit to {name} saved: {outcome}.",
    },
    "umkm_last_visit": {"id": "Kunjungan terakhir: {outcome}", "en": "Last visit: {outcome}"},
    "umkm_starts_on": {"id": "mulai {date}", "en": "from {date}"},
}
