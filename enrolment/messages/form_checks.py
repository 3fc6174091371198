"""The enrolment form's guidance on the tablet: warnings the officer confirms, field
checks on leaving a field, and the discard question."""

from __future__ import annotations

FORM_CHECKS: dict[str, dict[str, str]] = {
    # Warnings (enrolment/form_warnings.py): the officer checks the KTP and may go on.
    "fw_nik_outside": {
        "id": "NIK ini dari luar Lombok Timur (kode {prefix}, bukan 5203). Cocokkan dengan "
        "KTP; jika benar, lanjutkan.",
        "en": "This NIK is from outside Lombok Timur (code {prefix}, not 5203). Check it "
        "against the KTP; if right, go on.",
    },
    "fw_nik_kecamatan_unknown": {
        "id": "Kode kecamatan di NIK ({code}) tidak ada di Lombok Timur. Cocokkan dengan KTP.",
        "en": "The kecamatan code in the NIK ({code}) does not exist in Lombok Timur. "
        "Check it against the KTP.",
    },
    "fw_nik_serial_zero": {
        "id": "Empat angka terakhir NIK 0000 jarang dipakai. Cocokkan dengan KTP.",
        "en": "A NIK ending in 0000 is rare. Check it against the KTP.",
    },
    "fw_nik_other_kecamatan": {
        "id": "NIK dibuat di Kec. {nik_kec}, desa yang dipilih di Kec. {kec}. Boleh, jika "
        "peserta sudah pindah.",
        "en": "The NIK was issued in {nik_kec}, the chosen village is in {kec}. Fine if "
        "the person has moved.",
    },
    "fw_name_characters": {
        "id": "Nama berisi \u201c{char}\u201d (angka atau simbol). Cocokkan dengan KTP.",
        "en": "The name contains \u201c{char}\u201d (a digit or symbol). Check it against the KTP.",
    },
    "fw_season_old": {
        "id": "Musim tanam {year} sudah lama lewat. Apakah tahunnya benar?",
        "en": "Crop season {year} is long past. Is the year right?",
    },
    "fw_heading": {"id": "Periksa lagi", "en": "Please check"},
    "fw_go_on": {
        "id": "Peringatan kuning boleh dilanjutkan setelah dicocokkan.",
        "en": "Amber warnings may be passed once checked.",
    },
    # The discard question.
    "discard_title": {"id": "Buang formulir ini?", "en": "Discard this form?"},
    "discard_body": {
        "id": "Semua isian formulir ini akan dihapus dan tidak bisa dikembalikan.",
        "en": "Everything typed into this form is deleted and cannot be brought back.",
    },
}
