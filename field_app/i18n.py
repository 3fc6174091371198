"""Interface texts, Bahasa Indonesia first, English second.

Validation messages come from `enrolment.problems` and segment names from
`enrolment.segments`, so app and server speak with one voice.
"""

from __future__ import annotations

LANGS = ("id", "en")

TEXTS: dict[str, dict[str, str]] = {
    "app_title": {"id": "Pendaftaran BPJS Ketenagakerjaan", "en": "BPJS Ketenagakerjaan enrolment"},
    "switch_lang": {"id": "English", "en": "Bahasa Indonesia"},
    "pair_title": {"id": "Hubungkan tablet ke server", "en": "Pair this tablet with the server"},
    "pair_help": {
        "id": "Minta kode pemasangan ke koordinator di kantor kabupaten.",
        "en": "Ask the district-office coordinator for a pairing code.",
    },
    "server_url": {"id": "Alamat server", "en": "Server address"},
    "pairing_code": {"id": "Kode pemasangan", "en": "Pairing code"},
    "officer_name": {"id": "Nama petugas", "en": "Officer name"},
    "pair_button": {"id": "Hubungkan", "en": "Pair"},
    "pairing": {"id": "Menghubungkan…", "en": "Pairing…"},
    "paired_ok": {"id": "Tablet terhubung.", "en": "Tablet paired."},
    "new_enrolment": {"id": "Pendaftaran baru", "en": "New enrolment"},
    "sync_button": {"id": "Sinkronkan", "en": "Sync"},
    "syncing": {"id": "Mengirim… {sent} data, {kb} KB", "en": "Sending… {sent} records, {kb} KB"},
    "sync_done": {
        "id": "Sinkronisasi selesai: {accepted} diterima, {set_aside} perlu perhatian.",
        "en": "Sync finished: {accepted} accepted, {set_aside} need attention.",
    },
    "sync_nothing": {"id": "Tidak ada data yang perlu dikirim.", "en": "Nothing to send."},
    "err_unreachable": {
        "id": "Server tidak dapat dihubungi. Data tetap aman di tablet; coba lagi nanti.",
        "en": "Cannot reach the server. Your data is safe on this tablet; try again later.",
    },
    "err_unauthorized": {
        "id": "Tablet ini tidak dikenali server (kode dicabut?). Hubungi koordinator.",
        "en": "The server does not recognise this tablet (revoked?). Contact the coordinator.",
    },
    "err_bad_reply": {
        "id": "Jawaban server tidak dikenali (hotspot/login?). Data tetap aman; coba lagi.",
        "en": "Unrecognised server reply (captive portal?). Data is safe; try again.",
    },
    "err_pairing_invalid": {
        "id": "Kode pemasangan salah, sudah dipakai, atau kedaluwarsa.",
        "en": "Pairing code is wrong, used or expired.",
    },
    "err_not_paired": {"id": "Tablet belum terhubung ke server.", "en": "Tablet is not paired."},
    "search": {"id": "Cari nama atau NIK", "en": "Search name or NIK"},
    "empty_list": {"id": "Belum ada pendaftaran.", "en": "No enrolments yet."},
    "count_pending": {"id": "Belum terkirim", "en": "Not sent"},
    "count_sent": {"id": "Terkirim", "en": "Sent"},
    "count_attention": {"id": "Perlu perhatian", "en": "Needs attention"},
    "status_pending": {"id": "belum terkirim", "en": "not sent"},
    "status_sent": {"id": "terkirim", "en": "sent"},
    "status_conflict": {"id": "ditinjau koordinator", "en": "under review"},
    "status_rejected": {"id": "perlu perbaikan", "en": "needs correction"},
    "form_title": {"id": "Data peserta", "en": "Participant details"},
    "nik": {"id": "NIK (16 angka)", "en": "NIK (16 digits)"},
    "full_name": {"id": "Nama lengkap", "en": "Full name"},
    "birth_date": {"id": "Tanggal lahir (HH-BB-TTTT)", "en": "Birth date (DD-MM-YYYY)"},
    "sex": {"id": "Jenis kelamin", "en": "Sex"},
    "sex_M": {"id": "Laki-laki", "en": "Male"},
    "sex_F": {"id": "Perempuan", "en": "Female"},
    "kecamatan": {"id": "Kecamatan", "en": "District (kecamatan)"},
    "village": {"id": "Desa/Kelurahan", "en": "Village"},
    "phone": {"id": "Nomor HP (boleh kosong)", "en": "Phone (optional)"},
    "segment": {"id": "Segmen peserta", "en": "Segment"},
    "consent_title": {"id": "Persetujuan (UU PDP 27/2022)", "en": "Consent (PDP Law 27/2022)"},
    "consent_text": {
        "id": "Data ini dipakai hanya untuk mendaftarkan peserta ke BPJS Ketenagakerjaan "
        "oleh Pemerintah Kabupaten Lombok Timur. Yang disimpan: NIK, nama, tanggal lahir, "
        "jenis kelamin, desa, nomor HP dan segmen. Peserta berhak melihat, memperbaiki, "
        "dan meminta penghapusan datanya melalui Disnakertrans.",
        "en": "This data is used only to enrol the person in BPJS Ketenagakerjaan by the "
        "Lombok Timur regency government. Kept: NIK, name, birth date, sex, village, phone "
        "and segment. The person may see, correct and ask to erase their data via Disnakertrans.",
    },
    "consent_check": {
        "id": "Peserta menyetujui penggunaan datanya",
        "en": "The person agrees to the use of their data",
    },
    "consent_ticked": {"id": "Dicentang sendiri oleh peserta", "en": "Ticked by the person"},
    "consent_read_aloud": {"id": "Dibacakan oleh petugas", "en": "Read aloud by the officer"},
    "save": {"id": "Simpan", "en": "Save"},
    "cancel": {"id": "Batal", "en": "Cancel"},
    "back": {"id": "Kembali", "en": "Back"},
    "saved_ok": {
        "id": "Tersimpan di tablet. Kirim dengan tombol Sinkronkan.",
        "en": "Saved on this tablet. Send it with Sync.",
    },
    "fix_errors": {"id": "Periksa isian yang ditandai merah.", "en": "Check the fields in red."},
    "nik_on_tablet": {
        "id": "NIK ini sudah terdaftar di tablet ini.",
        "en": "This NIK is already enrolled on this tablet.",
    },
    "nik_on_server": {
        "id": "NIK ini mungkin sudah terdaftar di server. Periksa lagi; tekan Simpan sekali "
        "lagi untuk tetap menyimpan.",
        "en": "This NIK may already be registered on the server. Check again; press Save "
        "once more to save anyway.",
    },
    "edit_record": {"id": "Ubah", "en": "Edit"},
    "open_card": {"id": "Lihat kartu", "en": "Open card"},
    "fix_record": {"id": "Perbaiki", "en": "Correct"},
    "card_title": {"id": "Kartu peserta", "en": "Member card"},
    "member_no": {"id": "No. peserta", "en": "Member no."},
    "valid_until": {"id": "Berlaku s.d.", "en": "Valid until"},
    "card_scan_hint": {
        "id": "Pindai kode QR dengan kamera HP untuk memeriksa keaslian kartu.",
        "en": "Scan the QR code with a phone camera to check the card.",
    },
}


def t(key: str, lang: str, **params: object) -> str:
    """The text for `key` in `lang`, formatted with `params`."""
    entry = TEXTS.get(key)
    if entry is None:
        return key
    text = entry.get(lang) or entry["id"]
    return text.format(**params) if params else text
