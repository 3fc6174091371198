"""The tablet's labels and notices (`field_app.i18n.t`), Bahasa Indonesia first.

A new record field's label goes here (its key is the field's name); a new segment's
detail fields need `d_<key>` and, for choices, `c_<key>_<choice>`
(tests/unit/test_segment_schema.py checks them).
"""

from __future__ import annotations

APP: dict[str, dict[str, str]] = {
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
    "sync_nothing": {"id": "Tidak ada data yang perlu dikirim.", "en": "Nothing to send."},
    # The push went through but the pull after it did not: keys, revocations and review
    # outcomes are then not up to date, which the officer must know.
    "pull_failed": {
        "id": "Data terkirim, tetapi pembaruan dari server (hasil tinjauan, kunci kartu,"
        " pencabutan) gagal diambil. Coba sinkronkan lagi nanti.",
        "en": "Records were sent, but the server's updates (review outcomes, card keys,"
        " revocations) could not be fetched. Sync again later.",
    },
    "err_unreachable": {
        "id": "Server tidak dapat dihubungi. Data tetap aman di tablet; coba lagi nanti.",
        "en": "Cannot reach the server. Your data is safe on this tablet; try again later.",
    },
    "err_revoked": {
        "id": "Tablet ini dicabut koordinator. Data yang sudah diterima server dihapus dari"
        " tablet; data yang belum terkirim tetap aman dan dikirim setelah tablet dihubungkan"
        " lagi.",
        "en": "A coordinator revoked this tablet. Records the server already has were deleted"
        " from it; records not yet sent are kept safe and go once the tablet is paired again.",
    },
    "err_unauthorized": {
        "id": "Tablet ini tidak dikenali server (kode dicabut?). Hubungi koordinator.",
        "en": "The server does not recognise this tablet (revoked?). Contact the coordinator.",
    },
    "err_bad_reply": {
        "id": "Jawaban server tidak dikenali (hotspot/login?). Data tetap aman; coba lagi.",
        "en": "Unrecognised server reply (captive portal?). Data is safe; try again.",
    },
    # "err_pairing_invalid" is the API's "pairing_code_invalid" (an alias, one wording).
    # The server's answer to too many wrong pairing codes from this network (429).
    "err_pairing_throttled": {
        "id": "Terlalu banyak kode yang salah dari jaringan ini. Tunggu beberapa menit, lalu"
        " coba lagi dengan kode dari koordinator.",
        "en": "Too many wrong codes from this network. Wait a few minutes, then try again"
        " with the coordinator's code.",
    },
    # field_app.server_address: only https:// (or a server on the device itself).
    "address_invalid": {
        "id": "Alamat server tidak valid. Contoh: https://bpjs.lomboktimurkab.go.id",
        "en": "Not a valid server address. Example: https://bpjs.lomboktimurkab.go.id",
    },
    "address_insecure": {
        "id": "Alamat server harus diawali https:// (http:// hanya untuk server di perangkat"
        " ini sendiri). Tanyakan alamat yang benar ke koordinator.",
        "en": "The server address must start with https:// (http:// only for a server on"
        " this device itself). Ask the coordinator for the right address.",
    },
    "err_not_paired": {"id": "Tablet belum terhubung ke server.", "en": "Tablet is not paired."},
    "search": {"id": "Cari nama atau NIK", "en": "Search name or NIK"},
    "filter_village": {"id": "Saring desa", "en": "Filter by village"},
    "filter_segment": {"id": "Saring segmen", "en": "Filter by segment"},
    "all_villages": {"id": "Semua desa", "en": "All villages"},
    "all_segments": {"id": "Semua segmen", "en": "All segments"},
    "today": {"id": "Hari ini: {n} pendaftaran", "en": "Today: {n} enrolments"},
    "waiting_since": {
        "id": "{n} menunggu dikirim sejak {time}",
        "en": "{n} waiting to be sent since {time}",
    },
    "count_draft": {"id": "Draf", "en": "Drafts"},
    "drafts_title": {"id": "Formulir belum selesai", "en": "Unfinished forms"},
    "resume": {"id": "Lanjutkan", "en": "Resume"},
    "discard": {"id": "Buang", "en": "Discard"},
    "draft_saved_at": {"id": "Draf, disimpan {time}", "en": "Draft, saved {time}"},
    "list_more": {
        "id": "Menampilkan {n} terbaru; pakai pencarian untuk yang lain.",
        "en": "Showing the {n} newest; search to find others.",
    },
    "household_of": {"id": "Keluarga KK {kk}", "en": "Family, KK {kk}"},
    "verify_button": {"id": "Periksa kartu", "en": "Check a card"},
    "verify_title": {"id": "Periksa kartu peserta", "en": "Check a member card"},
    "verify_help": {
        "id": "Pindai kode QR kartu (kamera tablet, atau pilih gambarnya), atau ketik/tempel "
        "isinya di bawah. Pemeriksaan memakai "
        "kunci dari sinkronisasi terakhir, jadi bisa tanpa sinyal.",
        "en": "Scan the card's QR code (tablet camera, or choose its picture), or type/paste "
        "its text below. The check uses the keys "
        "from the last sync, so it works without signal.",
    },
    "verify_input": {"id": "Isi kode QR kartu", "en": "Card QR text"},
    "scan_card": {"id": "Pindai QR kartu", "en": "Scan the card's QR"},
    "scan_pairing": {"id": "Pindai QR pemasangan", "en": "Scan the pairing QR"},
    "scan_file_help": {
        "id": "Pilih foto atau tangkapan layar berisi kode QR.",
        "en": "Choose a photo or screenshot showing the QR code.",
    },
    "scan_camera_help": {
        "id": "Arahkan kamera ke kode QR sampai terlihat utuh dan jelas, lalu tekan Ambil gambar.",
        "en": "Point the camera at the QR code until it shows whole and sharp, then tap "
        "Take picture.",
    },
    "scan_take": {"id": "Ambil gambar", "en": "Take picture"},
    "scan_reading": {"id": "Membaca kode QR…", "en": "Reading the QR code…"},
    "scan_no_code": {
        "id": "Tidak ada kode QR yang terbaca di gambar itu. Coba lagi: lebih dekat, terang, "
        "tidak goyang.",
        "en": "No QR code could be read in that picture. Try again: closer, brighter, steady.",
    },
    "scan_no_reader": {
        "id": "Pembaca QR tidak tersedia di perangkat ini; ketik isi kode di bawah.",
        "en": "No QR reader on this device; type the code's text below.",
    },
    "scan_no_camera": {
        "id": "Kamera tidak bisa dibuka (izin kamera ditolak atau kamera dipakai aplikasi lain).",
        "en": "The camera could not be opened (camera permission refused or in use).",
    },
    "scan_not_pairing": {
        "id": "Kode QR ini bukan kode pemasangan. Pindai QR di halaman Tablet meja koordinator.",
        "en": "This QR code is not a pairing code. Scan the QR on the desk's Tablet page.",
    },
    "scan_pairing_read": {
        "id": "Alamat server dan kode pemasangan terisi dari QR.",
        "en": "Server address and pairing code filled in from the QR.",
    },
    "verify_run": {"id": "Periksa", "en": "Check"},
    "verdict_valid": {"id": "Kartu ASLI dan berlaku", "en": "Card is GENUINE and valid"},
    "verdict_not_genuine": {
        "id": "Kartu TIDAK ASLI (tanda tangan tidak cocok)",
        "en": "Card is NOT GENUINE (signature does not match)",
    },
    "verdict_unknown_key": {
        "id": "Belum bisa diperiksa: kunci server belum ada di tablet. Sinkronkan dulu.",
        "en": "Cannot check yet: the server's key is not on this tablet. Sync first.",
    },
    "verdict_expired": {"id": "Kartu asli tetapi SUDAH KEDALUWARSA", "en": "Genuine but EXPIRED"},
    "verdict_revoked": {"id": "Kartu DICABUT", "en": "Card REVOKED"},
    "card_revoked_banner": {
        "id": "Kartu ini sudah DICABUT dan tidak berlaku. Hubungi koordinator untuk kartu baru.",
        "en": "This card has been REVOKED and is not valid. Ask the coordinator for a new card.",
    },
    "name": {"id": "Nama", "en": "Name"},
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
    "consent_intro": {
        "id": "Bacakan atau tunjukkan kepada peserta sebelum menyimpan.",
        "en": "Read or show this to the person before saving.",
    },
    "consent_purpose_h": {"id": "Untuk apa data dipakai", "en": "What the data is for"},
    "consent_purpose": {
        "id": "Pemerintah Kabupaten Lombok Timur memakai data ini hanya untuk mendaftarkan "
        "Bapak/Ibu (dan keluarga) menjadi peserta BPJS Ketenagakerjaan dan membayar iurannya.",
        "en": "The Lombok Timur regency government uses this data only to enrol you (and your "
        "family) in BPJS Ketenagakerjaan and to pay the contributions.",
    },
    "consent_kept_h": {"id": "Data yang disimpan", "en": "Data kept"},
    "consent_kept": {
        "id": "NIK, nama, tanggal lahir, jenis kelamin, desa, nomor HP, pekerjaan/usaha, "
        "penghasilan, sumber dana iuran, dan nomor KK serta anggota keluarga bila ada.",
        "en": "NIK, name, birth date, sex, village, phone, work or business, income, who pays "
        "the contribution, and the family card number and family members if any.",
    },
    "consent_rights_h": {"id": "Hak Bapak/Ibu", "en": "Your rights"},
    "consent_rights": {
        "id": "Bapak/Ibu boleh melihat, memperbaiki, dan meminta penghapusan data ini, atau "
        "menarik persetujuan, melalui Disnakertrans Kabupaten Lombok Timur. Kartu dan kode QR "
        "tidak memuat NIK.",
        "en": "You may see, correct and ask to erase this data, or withdraw consent, through "
        "the Lombok Timur manpower office (Disnakertrans). Cards and QR codes carry no NIK.",
    },
    "consent_summary": {
        "id": "Yang akan didaftarkan: {names}",
        "en": "To be enrolled: {names}",
    },
    "consent_by": {"id": "Nama yang memberi persetujuan", "en": "Name of the person consenting"},
    "consent_how": {"id": "Cara persetujuan", "en": "How consent was given"},
    "consent_check": {
        "id": "Peserta menyetujui penggunaan datanya",
        "en": "The person agrees to the use of their data",
    },
    "consent_ticked": {"id": "Dicentang sendiri oleh peserta", "en": "Ticked by the person"},
    "consent_read_aloud": {"id": "Dibacakan oleh petugas", "en": "Read aloud by the officer"},
    "consent_needed": {
        "id": "Centang persetujuan peserta sebelum menyimpan.",
        "en": "Tick the person's consent before saving.",
    },
    "next_consent": {"id": "Lanjut ke persetujuan", "en": "Continue to consent"},
    "back_to_form": {"id": "Kembali ke formulir", "en": "Back to the form"},
    "leave_form": {"id": "Simpan draf & keluar", "en": "Keep draft & leave"},
    "discard_form": {"id": "Buang formulir", "en": "Discard form"},
    "section_identity": {"id": "Identitas", "en": "Identity"},
    "section_segment": {"id": "Pekerjaan / segmen", "en": "Work / segment"},
    "section_household": {"id": "Keluarga (sesuai KK)", "en": "Family (as on the KK)"},
    "section_payment": {"id": "Penghasilan dan iuran", "en": "Income and contribution"},
    "household_help": {
        "id": "Segmen ini didaftarkan bersama keluarga. Setiap anggota menjadi peserta sendiri.",
        "en": "This segment is enrolled with the family. Each member becomes a member.",
    },
    "kk": {"id": "Nomor KK (16 angka)", "en": "Family card (KK) no. (16 digits)"},
    "relation": {"id": "Hubungan dengan kepala keluarga", "en": "Relation to the head of family"},
    "member_title": {"id": "Anggota keluarga {n}", "en": "Family member {n}"},
    "member_nik": {"id": "NIK anggota {n}", "en": "NIK of member {n}"},
    "member_name": {"id": "Nama anggota {n}", "en": "Name of member {n}"},
    "member_birth": {"id": "Tanggal lahir anggota {n}", "en": "Birth date of member {n}"},
    "member_relation": {"id": "Hubungan anggota {n}", "en": "Relation of member {n}"},
    "member_sex": {"id": "Jenis kelamin anggota {n}", "en": "Sex of member {n}"},
    "add_member": {"id": "Tambah anggota keluarga", "en": "Add family member"},
    "remove_member": {"id": "Hapus anggota {n}", "en": "Remove member {n}"},
    "income": {"id": "Penghasilan per bulan (Rp)", "en": "Monthly income (Rp)"},
    "funding": {"id": "Sumber dana iuran", "en": "Who pays the contribution"},
    "jht": {"id": "Ikut JHT (+2 %)", "en": "Add JHT (+2 %)"},
    "jht_help": {
        "id": "JHT = tabungan hari tua, 2 % dari penghasilan, boleh dipilih.",
        "en": "JHT = old-age savings, 2 % of income, optional.",
    },
    "contribution": {
        "id": "Iuran per bulan: JKK {jkk} + JKM {jkm}{jht} = {total}",
        "en": "Monthly contribution: JKK {jkk} + JKM {jkm}{jht} = {total}",
    },
    "contribution_family": {
        "id": "Setiap anggota keluarga: {each}; seluruh keluarga ({n} orang): {total} per bulan",
        "en": "Each family member: {each}; whole family ({n} people): {total} a month",
    },
    "conversion_due": {
        "id": "Beralih ke peserta mandiri (bayar sendiri) mulai {date}",
        "en": "Converts to paid (self-funded) membership on {date}",
    },
    "d_farmer_group": {"id": "Kelompok tani", "en": "Farmer group"},
    "d_land_ha": {"id": "Luas lahan (ha)", "en": "Land area (ha)"},
    "d_season": {"id": "Musim tanam (mis. 2026)", "en": "Crop season (e.g. 2026)"},
    "d_position": {"id": "Jabatan", "en": "Position"},
    "d_office_village": {"id": "Desa tempat bertugas", "en": "Village served"},
    "d_sk_number": {"id": "Nomor SK pengangkatan", "en": "Appointment decree (SK) no."},
    "d_sk_date": {"id": "Tanggal SK (HH-BB-TTTT)", "en": "SK date (DD-MM-YYYY)"},
    "d_business_name": {"id": "Nama usaha", "en": "Business name"},
    "d_business_type": {"id": "Jenis usaha", "en": "Type of business"},
    "d_nib": {"id": "NIB (boleh kosong)", "en": "Business licence NIB (optional)"},
    "d_startup_cash": {"id": "Bantuan modal diterima (Rp)", "en": "Start-up cash received (Rp)"},
    "d_cash_date": {
        "id": "Tanggal terima modal (HH-BB-TTTT)",
        "en": "Date cash received (DD-MM-YYYY)",
    },
    "d_project": {"id": "Nama proyek", "en": "Project name"},
    "d_contractor": {"id": "Kontraktor", "en": "Contractor"},
    "d_spk_date": {"id": "Tanggal SPK (HH-BB-TTTT)", "en": "Work order (SPK) date (DD-MM-YYYY)"},
    "d_destination": {"id": "Negara tujuan", "en": "Destination country"},
    "d_phase": {"id": "Tahap penempatan", "en": "Placement phase"},
    "c_business_type_food": {"id": "Makanan / minuman", "en": "Food / drink"},
    "c_business_type_craft": {"id": "Kerajinan (tenun, anyaman)", "en": "Crafts (weaving)"},
    "c_business_type_trade": {"id": "Dagang / warung", "en": "Trade / shop"},
    "c_business_type_service": {"id": "Jasa", "en": "Services"},
    "c_business_type_farming": {"id": "Pertanian / peternakan", "en": "Farming / livestock"},
    "c_business_type_fishery": {"id": "Perikanan", "en": "Fishery"},
    "c_business_type_other": {"id": "Lainnya", "en": "Other"},
    "c_phase_before": {"id": "Sebelum berangkat", "en": "Before placement"},
    "c_phase_during": {"id": "Sedang bekerja di luar negeri", "en": "Working abroad"},
    "c_phase_after": {"id": "Sudah pulang (purna)", "en": "Returned (after placement)"},
    "save": {"id": "Simpan", "en": "Save"},
    "back": {"id": "Kembali", "en": "Back"},
    "saved_ok_n": {
        "id": "{n} anggota keluarga tersimpan di tablet. Kirim dengan tombol Sinkronkan.",
        "en": "{n} family members saved on this tablet. Send them with Sync.",
    },
    "saved_ok": {
        "id": "Tersimpan di tablet. Kirim dengan tombol Sinkronkan.",
        "en": "Saved on this tablet. Send it with Sync.",
    },
    "fix_errors": {"id": "Periksa isian yang ditandai merah.", "en": "Check the fields in red."},
    "nik_on_tablet": {
        "id": "NIK ini sudah terdaftar di tablet ini.",
        "en": "This NIK is already enrolled on this tablet.",
    },
    # A soft warning: the roster is lossy on purpose (enrolment/roster.py), so about one
    # new person in ten also gets it; the server's check at sync confirms or clears it.
    "nik_on_server": {
        "id": "NIK ini mungkin sudah terdaftar. Peringatan ini bisa keliru; server "
        "memastikannya saat sinkron. Cocokkan NIK dengan KTP, lalu tekan "
        '"Lanjut ke persetujuan" sekali lagi untuk tetap melanjutkan.',
        "en": "This NIK may already be registered. The warning can be wrong; the server "
        "settles it at sync. Check the NIK against the KTP, then press "
        '"Continue to consent" once more to go on anyway.',
    },
    "open_card": {"id": "Lihat kartu", "en": "Open card"},
    "fix_record": {"id": "Perbaiki", "en": "Correct"},
    "card_title": {"id": "Kartu peserta", "en": "Member card"},
    "member_no": {"id": "No. peserta", "en": "Member no."},
    "valid_until": {"id": "Berlaku s.d.", "en": "Valid until"},
    "card_valid": {"id": "Berlaku {start} s.d. {end}", "en": "Valid {start} to {end}"},
    "card_scan_hint": {
        "id": "Pindai kode QR dengan kamera HP untuk memeriksa keaslian kartu.",
        "en": "Scan the QR code with a phone camera to check the card.",
    },
    # Officer sign-in and the lock (issue 12, part 2; field_app/features/sign_in.py).
    "sign_in_title": {"id": "Masuk petugas", "en": "Officer sign-in"},
    "sign_in_help": {
        "id": "Tablet terkunci. Pilih nama Anda, lalu ketik PIN.",
        "en": "The tablet is locked. Pick your name, then type your PIN.",
    },
    "pin": {"id": "PIN", "en": "PIN"},
    "pin_new": {"id": "PIN (minimal 6 angka)", "en": "PIN (at least 6 digits)"},
    "pin_again": {"id": "Ulangi PIN", "en": "PIN again"},
    "unlock_button": {"id": "Buka", "en": "Unlock"},
    "pick_officer": {"id": "Pilih nama petugas dulu.", "en": "Pick the officer's name first."},
    "pin_needed": {"id": "Ketik PIN Anda.", "en": "Type your PIN."},
    "pin_wrong": {"id": "PIN salah.", "en": "Wrong PIN."},
    "pin_wrong_wait": {
        "id": "PIN salah. Coba lagi setelah {wait}.",
        "en": "Wrong PIN. Try again in {wait}.",
    },
    "pin_blocked": {
        "id": "Terlalu banyak PIN salah. Tunggu {wait}, lalu coba lagi.",
        "en": "Too many wrong PINs. Wait {wait}, then try again.",
    },
    "wait_seconds": {"id": "{n} detik", "en": "{n} seconds"},
    "wait_minutes": {"id": "{n} menit", "en": "{n} minutes"},
    "pin_too_short": {
        "id": "PIN harus angka saja, minimal {n} angka.",
        "en": "A PIN is digits only, at least {n} of them.",
    },
    "pin_mismatch": {
        "id": "Kedua PIN tidak sama. Ketik ulang.",
        "en": "The two PINs differ. Type them again.",
    },
    "officer_name_needed": {"id": "Isi nama petugas.", "en": "Fill in the officer's name."},
    "pair_pin_help": {
        "id": "Buat PIN untuk membuka tablet ini. Data di tablet disandikan dengan PIN ini.",
        "en": "Choose a PIN to unlock this tablet. The tablet's data is encrypted with it.",
    },
    "signed_in": {"id": "Selamat datang, {name}.", "en": "Welcome, {name}."},
    "signed_in_as": {"id": "Petugas: {name}", "en": "Officer: {name}"},
    "lock_button": {"id": "Kunci", "en": "Lock"},
    "add_officer_button": {"id": "Tambah petugas", "en": "Add officer"},
    "add_officer_title": {"id": "Tambah petugas", "en": "Add an officer"},
    "add_officer_help": {
        "id": "Petugas lain yang memakai tablet ini masuk dengan nama dan PIN-nya sendiri.",
        "en": "Another officer using this tablet signs in with their own name and PIN.",
    },
    "save_officer": {"id": "Simpan petugas", "en": "Save officer"},
    "officer_added": {"id": "Petugas {name} ditambahkan.", "en": "Officer {name} added."},
    "not_protected": {
        "id": "Data di tablet ini belum dilindungi PIN. Pasang PIN sekarang.",
        "en": "The data on this tablet is not protected by a PIN yet. Set a PIN now.",
    },
    "set_pin_button": {"id": "Pasang PIN", "en": "Set a PIN"},
    "set_pin_title": {"id": "Pasang PIN", "en": "Set a PIN"},
    "set_pin_help": {
        "id": "Setelah PIN dipasang, data di tablet disandikan dan tablet terkunci bila "
        "ditinggal. Ini bisa memakan beberapa detik.",
        "en": "Once a PIN is set, the tablet's data is encrypted and the tablet locks when "
        "left alone. This can take a few seconds.",
    },
    "pin_set": {
        "id": "PIN dipasang. Data tablet kini disandikan, {name}.",
        "en": "PIN set. The tablet's data is now encrypted, {name}.",
    },
    "encrypting": {"id": "Menyandikan data…", "en": "Encrypting the data…"},
    "saving": {"id": "Menyimpan…", "en": "Saving…"},
    "cancel": {"id": "Batal", "en": "Cancel"},
    "locked_now": {
        "id": "Tablet terkunci. Masuk lagi dulu.",
        "en": "The tablet is locked. Sign in again first.",
    },
}
