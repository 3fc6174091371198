"""The contribution tables page of the desk (/desk/rates, administrators change them):
the refusals of a change, by code `rate_<code>` (sync_server/services/rate_tables.py:
RateTableError), and the audit entries of a change."""

from __future__ import annotations

RATES: dict[str, dict[str, str]] = {
    "nav_rates": {"id": "Tarif", "en": "Rates"},
    "rates_title": {"id": "Tabel iuran", "en": "Contribution tables"},
    "rates_intro": {
        "id": (
            "Iuran sebulan peserta BPU menurut tabel yang berlaku pada tanggal 1 bulan itu (tabel"
            " yang mulai tanggal 15 berlaku sejak bulan berikutnya); di antara tabel yang "
            "mencakup suatu hari, yang mulai paling akhir yang berlaku (perubahan sementara "
            "adalah tabel tersendiri dengan awal dan akhir). Tablet menerima tabel ini saat "
            "sinkron. Periksa terhadap peraturan yang berlaku."
        ),
        "en": (
            "A month's contributions of informal (BPU) members follow the table in force on its "
            "first day (a table starting on the 15th applies from the next month); of the tables "
            "covering a day, the one that started last applies (a temporary change is a table of "
            "its own with a start and an end). Tablets receive these tables when they sync. Check"
            " them against the regulation in force."
        ),
    },
    "rates_shipped": {
        "id": (
            "Belum ada tabel yang dimasukkan kantor: tabel bawaan aplikasi "
            "(assets/contribution_rates.json) yang berlaku. Perubahan pertama menyalinnya ke "
            "sini."
        ),
        "en": (
            "No table entered by the office yet: the application's shipped table is in force. The"
            " first change copies it here."
        ),
    },
    # A change refused: nothing is stored.
    "rate_bad_date": {
        "id": "Tanggal tidak valid: {value} (tulis HH-BB-TTTT).",
        "en": "Not a date: {value} (write DD-MM-YYYY).",
    },
    "rate_inverted": {
        "id": "Tabel berakhir ({end}) sebelum mulai ({start}).",
        "en": "The table ends ({end}) before it starts ({start}).",
    },
    "rate_bad_number": {
        "id": (
            "Angka tidak valid: {value}. Tulis persen seperti 1 atau 0,5 dan rupiah seperti 10.000."
        ),
        "en": "Not a number: {value}. Write percentages like 1 or 0,5 and rupiah like 10.000.",
    },
    "rate_negative": {
        "id": "Tarif dan iuran tidak boleh negatif: {value}.",
        "en": "Rates and amounts cannot be negative: {value}.",
    },
    "rate_percent_high": {
        "id": "Persentase lebih dari 100: {value}.",
        "en": "A percentage above 100: {value}.",
    },
    "rate_min_above_max": {
        "id": "Minimum JKK ({low}) melebihi maksimumnya ({high}).",
        "en": "The JKK minimum ({low}) is above its maximum ({high}).",
    },
    "rate_same_start": {
        "id": "Sudah ada tabel yang mulai {day}: dua tabel tidak boleh mulai pada hari yang sama.",
        "en": "A table already starts on {day}: two tables cannot start on the same day.",
    },
    "rate_gap": {
        "id": (
            "Perubahan ini meninggalkan hari tanpa tabel iuran, mulai {day}. Setiap hari "
            "harus punya tabel: tambahkan dulu tabel penggantinya."
        ),
        "en": (
            "This change would leave days without a contribution table, from {day}. Every "
            "day needs a table: add its replacement first."
        ),
    },
    "rate_no_start": {
        "id": (
            "Tabel paling awal harus tanpa tanggal mulai (berlaku sejak dulu), agar setiap "
            "hari punya tabel."
        ),
        "en": (
            "The earliest table must have no start date (in force since always), so every "
            "day has a table."
        ),
    },
    "rate_invalid": {
        "id": "Tabel iuran ini tidak dapat dipakai: {detail}.",
        "en": "This contribution table cannot be used: {detail}.",
    },
    # The audit log's labels of a change (services/audit.py: audit_<action>).
    "audit_rate_table_add": {"id": "Tabel iuran ditambah", "en": "Contribution table added"},
    "audit_rate_table_edit": {"id": "Tabel iuran diubah", "en": "Contribution table changed"},
    "audit_rate_table_delete": {"id": "Tabel iuran dihapus", "en": "Contribution table deleted"},
}
