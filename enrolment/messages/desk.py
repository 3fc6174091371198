"""The coordinators' desk (server-rendered pages under /desk) and the server's command
line. Desk pages show "Indonesia / English" lines (`enrolment.messages.slashed`) or both
texts on an error page (`sync_server.web.errors`). Codes carry the page's prefix, since
the same short code (`internal`, `not_found`, `no_cards`, `busy`) means another text to
the API."""

from __future__ import annotations

DESK: dict[str, dict[str, str]] = {
    # The menu of every desk page (web/templating.py).
    "nav_coverage": {"id": "Cakupan", "en": "Coverage"},
    "nav_review": {"id": "Tinjauan", "en": "Review"},
    "nav_devices": {"id": "Tablet", "en": "Devices"},
    "nav_cards": {"id": "Kartu", "en": "Cards"},
    "nav_money": {"id": "Iuran", "en": "Money"},
    "nav_exports": {"id": "Ekspor/Impor", "en": "Export/Import"},
    "nav_audit": {"id": "Log audit", "en": "Audit log"},
    # Error pages (sync_server/web/errors.py: DeskError(status, code) shows desk_<code>).
    "desk_csrf": {
        "id": "Formulir kedaluwarsa atau tidak sah. Muat ulang halaman lalu coba lagi.",
        "en": "The form expired or is not valid. Reload the page and try again.",
    },
    "desk_forbidden": {
        "id": "Anda tidak berhak membuka halaman ini.",
        "en": "You may not open this page.",
    },
    "desk_not_found": {
        "id": "Halaman atau data tidak ditemukan.",
        "en": "Page or record not found.",
    },
    "desk_bad_input": {"id": "Isian tidak valid: {detail}.", "en": "Invalid input: {detail}."},
    "desk_internal": {
        "id": "Terjadi kesalahan di server. Silakan coba lagi.",
        "en": "Something went wrong on the server. Please try again.",
    },
    # Batch print jobs (services/print_job_records.py: a failed job's message).
    "print_no_cards": {"id": "Tidak ada kartu untuk dicetak", "en": "There are no cards to print"},
    "print_batch_too_large": {
        "id": "Terlalu banyak kartu untuk satu PDF",
        "en": "Too many cards for one PDF",
    },
    "print_stopped": {
        "id": "Dihentikan karena server dimatikan; cetak lagi dari halaman Kartu",
        "en": "Stopped because the server shut down; print again from the Cards page",
    },
    "print_interrupted": {
        "id": "Terputus karena server dimulai ulang; cetak lagi dari halaman Kartu",
        "en": "Interrupted by a server restart; print again from the Cards page",
    },
    "print_internal": {
        "id": "PDF gagal dibuat; coba lagi, atau hubungi administrator",
        "en": "The PDF could not be made; try again, or call the administrator",
    },
    "print_reprints_since": {
        "id": "Cetak ulang sejak {day}",
        "en": "Reprints since {day}",
    },
    # Accounts (AccountError codes, as account_<code>; web/routes/auth.py, accounts.py and
    # the create-admin command).
    "account_username_invalid": {
        "id": "Nama pengguna: 2–64 huruf kecil, angka, . _ -",
        "en": "Username: 2–64 lowercase letters, digits, . _ -",
    },
    "account_password_short": {
        "id": "Kata sandi minimal 10 karakter",
        "en": "Password needs at least 10 characters",
    },
    "account_role_invalid": {"id": "Peran tidak dikenal", "en": "Unknown role"},
    # The English is the create-admin command's, which tests/integration/test_desk_auth.py reads.
    "account_username_taken": {
        "id": "Nama pengguna sudah dipakai",
        "en": "That username exists already",
    },
    "account_self": {
        "id": "Akun sendiri tidak bisa dinonaktifkan di sini",
        "en": "You cannot disable your own account",
    },
    "account_last_admin": {
        "id": "Administrator aktif terakhir tidak bisa dinonaktifkan",
        "en": "The last enabled administrator cannot be disabled",
    },
    "account_password_mismatch": {
        "id": "Kata sandi baru dan ulangannya berbeda",
        "en": "The new password and its repetition differ",
    },
    "account_current_wrong": {
        "id": "Kata sandi saat ini salah",
        "en": "The current password is wrong",
    },
    "account_user_unknown": {"id": "Akun tidak ditemukan", "en": "Account not found"},
    "login_wrong": {
        "id": "Nama pengguna atau kata sandi salah",
        "en": "Wrong username or password",
    },
    "login_busy": {
        "id": "Server sedang sibuk memeriksa kata sandi. Coba lagi sebentar lagi.",
        "en": "The server is busy checking passwords. Try again in a moment.",
    },
    "login_wait_seconds": {
        "id": "Terlalu banyak percobaan yang gagal. Coba lagi dalam {n} detik.",
        "en": "Too many failed attempts. Try again in {n} seconds.",
    },
    "login_wait_minutes": {
        "id": "Terlalu banyak percobaan yang gagal. Coba lagi dalam {n} menit.",
        "en": "Too many failed attempts. Try again in {n} minutes.",
    },
    # The create-admin command (desk_cli.py); its refusals are the account_<code> texts.
    "cli_passwords_differ": {"id": "kata sandi berbeda", "en": "passwords differ"},
    "cli_admin_created": {
        "id": "administrator {name} dibuat",
        "en": "administrator {name} created",
    },
    # The KPJ upload (ImportFileError codes, as kpj_<code>; web/routes/exports.py).
    "kpj_file_unreadable": {
        "id": "Berkas tidak bisa dibaca (xlsx atau csv)",
        "en": "File unreadable (xlsx or csv)",
    },
    "kpj_no_header": {
        "id": "Baris pertama harus memuat kolom NIK dan KPJ",
        "en": "First row must name NIK and KPJ",
    },
    "kpj_too_many_rows": {
        "id": "Terlalu banyak baris (maks. 100.000)",
        "en": "Too many rows (max 100,000)",
    },
    "kpj_file_expands": {
        "id": "Isi berkas terlalu besar setelah dibuka (berkas zip yang dipadatkan berlebihan)",
        "en": "The file unpacks into too much data (an over-compressed zip)",
    },
    "kpj_too_large": {"id": "Berkas terlalu besar (maks. 5 MB)", "en": "File too large (max 5 MB)"},
    # The Cards page (web/routes/cards.py): revocation reasons, batch and revocation errors.
    "revoke_reason_lost": {"id": "Hilang", "en": "Lost"},
    "revoke_reason_stolen": {"id": "Dicuri", "en": "Stolen"},
    "revoke_reason_data_error": {"id": "Data salah", "en": "Wrong data"},
    "cards_bad_selection": {
        "id": "Pilih satu kecamatan atau desa",
        "en": "Choose one kecamatan or village",
    },
    "cards_bad_kecamatan": {"id": "Kecamatan tidak dikenal", "en": "Unknown kecamatan"},
    "cards_bad_desa": {"id": "Desa tidak dikenal", "en": "Unknown village"},
    "cards_bad_date": {
        "id": "Tanggal tidak valid; tulis HH-BB-TTTT (contoh: 01-11-2026)",
        "en": "Invalid date; write DD-MM-YYYY (e.g. 01-11-2026)",
    },
    "cards_no_cards": {
        "id": "Tidak ada kartu aktif di wilayah ini",
        "en": "No active cards in this area",
    },
    "cards_no_reprints": {
        "id": "Tidak ada kartu yang diterbitkan ulang sejak tanggal itu",
        "en": "No cards were reissued since that date",
    },
    "cards_batch_too_large": {
        "id": "Terlalu banyak kartu ({n}) untuk satu PDF, maksimal {max}; cetak per kecamatan",
        "en": "Too many cards ({n}) for one PDF, at most {max}; print by kecamatan",
    },
    "cards_busy": {
        "id": "Batch lain sedang dicetak; tunggu sampai selesai lalu coba lagi",
        "en": "Another batch is printing; wait until it is done, then try again",
    },
    "cards_bad_reason": {"id": "Pilih alasan", "en": "Choose a reason"},
    "cards_unknown_card": {"id": "Nomor seri kartu tidak dikenal", "en": "Unknown card serial"},
    "cards_already_revoked": {"id": "Kartu sudah dicabut", "en": "The card is already revoked"},
    "cards_unknown_member": {"id": "Nomor anggota tidak dikenal", "en": "Unknown member number"},
    "cards_revoked_done": {"id": "Kartu {number} dicabut", "en": "Card {number} revoked"},
    "cards_reissued_done": {
        "id": "Kartu baru {serial} untuk {member}",
        "en": "New card {serial} for {member}",
    },
    # The review queue (DecisionError codes, as review_<code>; web/routes/review.py).
    "review_bad_action": {
        "id": "Keputusan ini tidak berlaku untuk jenis ini",
        "en": "Not possible for this kind",
    },
    "review_reason_required": {
        "id": "Tuliskan alasan (minimal 3 huruf)",
        "en": "Give a reason (3+ characters)",
    },
    "review_already_decided": {
        "id": "Sudah diputuskan oleh orang lain",
        "en": "Already decided by someone else",
    },
    "review_side_member": {"id": "Anggota terdaftar", "en": "Enrolled member"},
    "review_side_sent": {"id": "Data kiriman tablet", "en": "Submitted by tablet"},
    "review_side_other": {"id": "Anggota lain", "en": "Other member"},
    # The record fields the desk reports (services/reported_fields.py): col_<member column>.
    "col_income": {"id": "Penghasilan per bulan", "en": "Monthly income"},
    "col_funding": {"id": "Sumber dana iuran", "en": "Who pays"},
    "col_jht": {"id": "Ikut JHT", "en": "JHT (old-age savings)"},
    "col_household_kk": {"id": "Nomor KK", "en": "Family card (KK) no."},
    "col_household_relation": {"id": "Hubungan keluarga", "en": "Family relation"},
    "yes": {"id": "Ya", "en": "Yes"},
    "no": {"id": "Tidak", "en": "No"},
    # The member export's column titles (services/member_export.py), "Indonesia / English".
    "export_name": {"id": "Nama", "en": "Name"},
    "export_birth_date": {"id": "Tanggal lahir", "en": "Birth date"},
    "export_sex": {"id": "Jenis kelamin", "en": "Sex"},
    "export_village_code": {"id": "Kode desa", "en": "Village code"},
    "export_village": {"id": "Desa", "en": "Village"},
    "export_phone": {"id": "Telepon", "en": "Phone"},
    "export_segment": {"id": "Segmen", "en": "Segment"},
    "export_member_no": {"id": "Nomor anggota", "en": "Member no."},
    "export_enrolled": {"id": "Terdaftar (WITA)", "en": "Enrolled (WITA)"},
    # Dates typed at the desk (web/routes/exports.py and cards.py: DD-MM-YYYY or ISO).
    "date_bad": {
        "id": "{field}: tanggal tidak valid; tulis HH-BB-TTTT, misalnya 01-11-2026",
        "en": "{field}: invalid date; write DD-MM-YYYY, e.g. 01-11-2026",
    },
    "date_range_reversed": {
        "id": "Tanggal awal sesudah tanggal akhir",
        "en": "The start date is after the end date",
    },
    "export_date_from": {"id": "Terdaftar dari", "en": "Enrolled from"},
    "export_date_to": {"id": "Terdaftar sampai", "en": "Enrolled until"},
    # Sex as BPJS writes it (L = laki-laki, P = perempuan), in exports and on the desk.
    "sex_short_M": {"id": "L", "en": "M"},
    "sex_short_F": {"id": "P", "en": "F"},
    # Desk roles (sync_server/services/accounts.py ROLES) in words.
    "role_coordinator": {"id": "Koordinator", "en": "Coordinator"},
    "role_administrator": {"id": "Administrator", "en": "Administrator"},
    # Review statuses and the fields a review compares (templates review_*.html).
    "review_status_open": {"id": "Terbuka", "en": "Open"},
    "review_status_merged": {"id": "Digabung", "en": "Merged"},
    "review_status_kept": {"id": "Dipertahankan", "en": "Kept"},
    "review_status_rejected": {"id": "Ditolak", "en": "Rejected"},
    "review_field_member_no": {"id": "Nomor anggota", "en": "Member no."},
    "review_field_nik": {"id": "NIK", "en": "NIK"},
    "review_field_name": {"id": "Nama", "en": "Name"},
    "review_field_birth_date": {"id": "Tanggal lahir", "en": "Birth date"},
    "review_field_sex": {"id": "Jenis kelamin", "en": "Sex"},
    "review_field_village": {"id": "Desa", "en": "Village"},
    "review_field_segment": {"id": "Segmen", "en": "Segment"},
    "review_field_phone": {"id": "Telepon", "en": "Phone"},
    "review_field_device": {"id": "Dari", "en": "From"},
    # The duplicate scan's result (review_list.html); English counts its pairs.
    "review_scan_done": {
        "id": "Pencarian selesai: {found} pasangan ditemukan, {new} baru masuk antrean "
        "({seconds} detik).",
        "en": "Scan done: {found} pairs found, {new} new in the queue ({seconds} s).",
    },
    "review_scan_done_one": {
        "id": "Pencarian selesai: {found} pasangan ditemukan, {new} baru masuk antrean "
        "({seconds} detik).",
        "en": "Scan done: {found} pair found, {new} new in the queue ({seconds} s).",
    },
    # A finished print job (cards_job.html): ten cards a page, so one card is one page.
    "print_done": {
        "id": "Selesai: {cards} kartu, {pages} halaman A4",
        "en": "Done: {cards} cards, {pages} A4 pages",
    },
    "print_done_one": {
        "id": "Selesai: {cards} kartu, {pages} halaman A4",
        "en": "Done: {cards} card, {pages} A4 page",
    },
    "print_done_one_page": {
        "id": "Selesai: {cards} kartu, {pages} halaman A4",
        "en": "Done: {cards} cards, {pages} A4 page",
    },
    # The money page (money.html): every source that pays contributions.
    "money_title": {"id": "Iuran per sumber dana", "en": "Contributions by funding source"},
    "money_intro": {
        "id": "Semua peserta menurut siapa yang membayar iurannya: dana desa (ADD), cukai "
        "tembakau (DBHCHT), APBD kabupaten (rumah tangga miskin), pemberi kerja, atau "
        "peserta sendiri, dengan tabel iuran yang berlaku pada tanggal 1 bulan ini. "
        "Tanpa penghasilan tercatat: iuran minimum JKK {jkk} + JKM {jkm}.",
        "en": "Every member by who pays the contribution: the village budget (ADD), the "
        "tobacco excise fund (DBHCHT), the regency budget APBD (poor households), an "
        "employer, or the member, at the contribution table in force on the first of "
        "this month. Without a declared income: the minimum, {total} a month.",
    },
    "money_members": {"id": "Peserta", "en": "Members"},
    "money_monthly": {"id": "Per bulan", "en": "A month"},
    "money_yearly": {"id": "Per tahun", "en": "A year"},
    "money_total": {"id": "Jumlah", "en": "Total"},
    "money_public_total": {"id": "Jumlah dana publik", "en": "Public funds in total"},
    "money_by_village": {"id": "Per desa", "en": "By village"},
    "money_unknown_payer": {"id": "Belum ditentukan", "en": "Not known"},
    "money_source": {"id": "Sumber dana", "en": "Funding source"},
    "money_public_note": {
        "id": "Dana publik: ADD, DBHCHT dan APBD",
        "en": "Public funds: ADD, DBHCHT and APBD",
    },
    "money_no_members": {"id": "Belum ada peserta.", "en": "No members yet."},
    # Audit actions in words (audit.html; services/audit.py action_label), by the code
    # each caller of services.audit.audit writes.
    "audit_login": {"id": "Masuk", "en": "Signed in"},
    "audit_login_failed": {"id": "Gagal masuk", "en": "Failed sign-in"},
    "audit_login_locked": {"id": "Masuk dikunci sementara", "en": "Sign-in locked for a while"},
    "audit_logout": {"id": "Keluar", "en": "Signed out"},
    "audit_password_change": {"id": "Kata sandi diganti", "en": "Password changed"},
    "audit_password_change_failed": {
        "id": "Gagal mengganti kata sandi",
        "en": "Password change refused",
    },
    "audit_user_create": {"id": "Akun dibuat", "en": "Account created"},
    "audit_user_disable": {"id": "Akun dinonaktifkan", "en": "Account disabled"},
    "audit_user_enable": {"id": "Akun diaktifkan", "en": "Account enabled"},
    "audit_user_password_reset": {"id": "Kata sandi disetel ulang", "en": "Password reset"},
    "audit_pairing_code": {"id": "Kode pemasangan dibuat", "en": "Pairing code made"},
    "audit_pairing_code_cancel": {
        "id": "Kode pemasangan dibatalkan",
        "en": "Pairing code cancelled",
    },
    "audit_pairing_failed": {"id": "Pemasangan tablet gagal", "en": "Failed tablet pairing"},
    "audit_pairing_locked": {
        "id": "Pemasangan dikunci sementara",
        "en": "Pairing locked for a while",
    },
    "audit_device_revoke": {"id": "Tablet dicabut", "en": "Tablet revoked"},
    "audit_device_area": {"id": "Wilayah tablet diubah", "en": "Tablet area changed"},
    "audit_card_download": {"id": "Kartu diunduh tablet", "en": "Card downloaded by a tablet"},
    "audit_card_download_refused": {
        "id": "Unduhan kartu ditolak",
        "en": "Card download refused",
    },
    "audit_card_revoke": {"id": "Kartu dicabut", "en": "Card revoked"},
    "audit_card_reissue": {"id": "Kartu diterbitkan ulang", "en": "Card reissued"},
    "audit_cards_batch": {"id": "Kartu dicetak", "en": "Cards printed"},
    "audit_cards_reprint": {"id": "Kartu dicetak ulang", "en": "Cards reprinted"},
    "audit_duplicate_scan": {"id": "Pencarian data ganda", "en": "Duplicate search"},
    "audit_review_merge": {"id": "Tinjauan: digabung", "en": "Review: merged"},
    "audit_review_keep": {"id": "Tinjauan: keduanya dipertahankan", "en": "Review: both kept"},
    "audit_review_reject": {"id": "Tinjauan: ditolak", "en": "Review: rejected"},
    "audit_export_members": {"id": "Ekspor peserta", "en": "Member export"},
    "audit_export_audit": {"id": "Log audit diunduh", "en": "Audit log downloaded"},
    "audit_import_kpj": {"id": "Impor nomor KPJ", "en": "KPJ numbers imported"},
    "audit_system": {"id": "sistem", "en": "system"},
    "audit_tried": {"id": "{name} (dicoba)", "en": "{name} (tried)"},
    "audit_reason_wrong_password": {"id": "kata sandi salah", "en": "wrong password"},
    "audit_reason_unknown_user": {"id": "nama pengguna tidak dikenal", "en": "unknown username"},
    "audit_reason_disabled": {"id": "akun nonaktif", "en": "account disabled"},
    # The coverage page's targets per area and its map (services/coverage.py, coverage_map.py).
    "cov_col_target": {"id": "Target", "en": "Target"},
    "cov_col_achieved": {"id": "Capaian", "en": "Achieved"},
    "cov_target_basis": {
        "id": "Target kecamatan dan desa: target kabupaten ({overall}) dibagi rata ke {villages}"
        " desa/kelurahan (± {share} per desa), karena data penduduk per kecamatan dan desa belum"
        " tersedia; target kecamatan = jumlah target desanya.",
        "en": "Kecamatan and village targets: the regency's target ({overall}) split equally"
        " over its {villages} villages (about {share} each), since there is no population per"
        " kecamatan or village yet; a kecamatan's target is the sum of its villages'.",
    },
    "cov_map_title": {"id": "Peta cakupan", "en": "Coverage map"},
    "cov_map_kecamatan": {"id": "Per kecamatan", "en": "By kecamatan"},
    "cov_map_desa": {"id": "Per desa", "en": "By village"},
    "cov_map_hint": {
        "id": "Warna = peserta terhadap target wilayah. Klik wilayah untuk melihat angkanya.",
        "en": "Colour = members against the area's target. Click an area for its figures.",
    },
    "cov_map_area": {
        "id": "{name} ({area}): {count} peserta, target {target}, capaian {percent}",
        "en": "{name} ({area}): {count} members, target {target}, {percent} achieved",
    },
    "cov_map_source": {
        "id": "Batas wilayah: cahyadsn/wilayah_boundaries (MIT), disederhanakan.",
        "en": "Boundaries: cahyadsn/wilayah_boundaries (MIT), simplified.",
    },
    "cov_band_none": {"id": "Belum ada peserta", "en": "No members yet"},
    "cov_band_1": {"id": "di bawah 25 % target", "en": "below 25 % of target"},
    "cov_band_2": {"id": "25–50 % target", "en": "25–50 % of target"},
    "cov_band_3": {"id": "50–75 % target", "en": "50–75 % of target"},
    "cov_band_4": {"id": "75–100 % target", "en": "75–100 % of target"},
    "cov_band_5": {"id": "target tercapai (100 % ke atas)", "en": "target reached (100 % or more)"},
    "cov_villages_of": {"id": "Desa di {name}", "en": "Villages of {name}"},
}
