"""Validation problems (`enrolment.problems`): what is wrong with a record, field by
field, as the tablet shows it and the server sends it back. Codes travel on the wire."""

from __future__ import annotations

PROBLEMS: dict[str, dict[str, str]] = {
    "required": {"id": "Wajib diisi.", "en": "Required."},
    "nik_length": {
        "id": "NIK harus 16 angka (sekarang {n}).",
        "en": "NIK must be 16 digits (it has {n}).",
    },
    "nik_digits": {"id": "NIK hanya boleh berisi angka.", "en": "NIK may contain digits only."},
    "nik_regency": {
        "id": "4 angka pertama NIK ({prefix}) bukan kode kabupaten/kota yang dikenal.",
        "en": "The first 4 digits of the NIK ({prefix}) are not a known regency code.",
    },
    "nik_date": {
        "id": "Tanggal lahir di dalam NIK ({ddmmyy}) bukan tanggal yang benar.",
        "en": "The birth date inside the NIK ({ddmmyy}) is not a real date.",
    },
    "nik_sex_mismatch": {
        "id": "NIK ini milik {nik_sex}, tetapi jenis kelamin yang dipilih {sex}.",
        "en": "This NIK belongs to a {nik_sex_en} person, but {sex_en} is chosen.",
    },
    "nik_birth_mismatch": {
        "id": "Tanggal lahir tidak cocok dengan NIK: NIK menunjukkan lahir {nik_date}.",
        "en": "The birth date does not match the NIK: the NIK says born {nik_date}.",
    },
    "birth_date_invalid": {
        "id": "Tanggal lahir tidak valid (format HH-BB-TTTT).",
        "en": "Birth date is not valid (format DD-MM-YYYY).",
    },
    "birth_date_future": {
        "id": "Tanggal lahir tidak boleh di masa depan.",
        "en": "Birth date cannot be in the future.",
    },
    "birth_date_too_old": {
        "id": "Tanggal lahir terlalu lama (lebih dari 120 tahun).",
        "en": "Birth date is more than 120 years ago.",
    },
    "name_invalid": {
        "id": "Nama harus 2-100 huruf.",
        "en": "Name must be 2-100 characters.",
    },
    "sex_invalid": {"id": "Pilih laki-laki atau perempuan.", "en": "Choose male or female."},
    "village_unknown": {
        "id": "Desa tidak dikenal di Kabupaten Lombok Timur.",
        "en": "Village is not known in Lombok Timur regency.",
    },
    "phone_invalid": {
        "id": "Nomor HP harus 9-15 angka, boleh diawali +62 atau 0.",
        "en": "Phone must be 9-15 digits, optionally starting with +62 or 0.",
    },
    "segment_unknown": {"id": "Pilih segmen peserta.", "en": "Choose a segment."},
    "consent_missing": {
        "id": "Persetujuan peserta wajib dicatat sebelum menyimpan.",
        "en": "The person's consent must be recorded before saving.",
    },
    "income_invalid": {
        "id": "Penghasilan per bulan harus angka rupiah 0 sampai 1.000.000.000.",
        "en": "Monthly income must be a rupiah amount from 0 to 1,000,000,000.",
    },
    "funding_unknown": {"id": "Pilih sumber dana iuran.", "en": "Choose who pays."},
    "text_too_long": {
        "id": "Terlalu panjang (paling banyak 100 huruf).",
        "en": "Too long (100 characters at most).",
    },
    "date_invalid": {
        "id": "Tanggal tidak valid (format HH-BB-TTTT).",
        "en": "Not a valid date (format DD-MM-YYYY).",
    },
    "date_future": {
        "id": "Tanggal tidak boleh di masa depan.",
        "en": "The date cannot be in the future.",
    },
    "land_area_range": {
        "id": "Luas lahan harus lebih dari 0 dan paling banyak {ha} ha.",
        "en": "Land area must be above 0 and at most {ha} ha.",
    },
    "startup_cash_range": {
        "id": "Bantuan modal harus antara {min} dan {max}.",
        "en": "Start-up cash must be between {min} and {max}.",
    },
    "choice_unknown": {"id": "Pilih salah satu.", "en": "Choose one."},
    "nib_invalid": {
        "id": "NIB harus 13 angka (boleh dikosongkan).",
        "en": "The NIB must be 13 digits (or left empty).",
    },
    "kk_invalid": {
        "id": "Nomor KK harus 16 angka (sekarang {n}).",
        "en": "The family card (KK) number must be 16 digits (it has {n}).",
    },
    "kk_regency": {
        "id": "4 angka pertama nomor KK ({prefix}) bukan kode kabupaten/kota yang dikenal.",
        "en": "The first 4 digits of the KK number ({prefix}) are not a known regency code.",
    },
    "relation_unknown": {
        "id": "Pilih hubungan dengan kepala keluarga.",
        "en": "Choose the relation to the head of the family.",
    },
    "household_head_missing": {
        "id": "Data keluarga tidak lengkap (rumah tangga tidak diketahui).",
        "en": "Household data incomplete (household unknown).",
    },
    "household_segment": {
        "id": "Data keluarga hanya untuk segmen masyarakat miskin dan pekerja migran.",
        "en": "Family data is only for the poor-household and migrant-worker segments.",
    },
    "household_required": {
        "id": "Segmen ini didaftarkan bersama keluarga: isi nomor KK.",
        "en": "This segment is enrolled with the family: enter the KK number.",
    },
    "nik_repeated_in_household": {
        "id": "NIK ini sudah dipakai anggota keluarga lain di formulir ini.",
        "en": "Another family member in this form has this NIK.",
    },
    "household_two_heads": {
        "id": "Hanya satu kepala keluarga dalam satu KK.",
        "en": "A family card has only one head of family.",
    },
    "bad_characters": {
        "id": "{what_id} berisi karakter tersembunyi atau karakter kontrol yang tidak"
        " diizinkan ({char}, karakter ke-{pos}). Hapus lalu ketik ulang isinya.",
        "en": "{what_en} contains a hidden or control character that is not allowed"
        " ({char}, character {pos}). Delete it and type it again.",
    },
    "number_invalid": {
        "id": "{what_id} harus berupa angka biasa.",
        "en": "{what_en} must be an ordinary number.",
    },
    "malformed": {
        "id": "Data rusak atau tidak lengkap: {detail}.",
        "en": "Malformed or incomplete data: {detail}.",
    },
    "not_processed": {
        "id": "Server tidak dapat memproses data ini; data disimpan di tablet, "
        "laporkan ke kantor dinas.",
        "en": "The server could not process this record; it is kept on the tablet, "
        "please report it to the office.",
    },
    "version_reused": {
        "id": "Versi data ini sudah diterima dengan isi berbeda.",
        "en": "This record version was already received with different content.",
    },
    # Says nothing of the person already enrolled (not even which field differs):
    # anyone holding a tablet could otherwise test names and dates against a NIK.
    "identity_conflict": {
        "id": "NIK ini sudah terdaftar, tetapi datanya tidak sama dengan yang diisi."
        " Koordinator akan memeriksa. Pastikan NIK dan data orang ini sesuai KTP-nya.",
        "en": "This NIK is already registered, but the details differ from those entered."
        " A coordinator will check. Make sure the NIK and the person's details match their KTP.",
    },
    # A coordinator rejected the record at the desk (services/review_desk.py).
    "review_rejected": {
        "id": "Ditolak oleh koordinator: {reason}",
        "en": "Rejected by the coordinator: {reason}",
    },
}
