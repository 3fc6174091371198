"""The progress report (sync_server/services/progress_report*.py): a PDF in Indonesian
for the Bupati's office; the English texts are for the catalogue's readers."""

from __future__ import annotations

REPORT: dict[str, dict[str, str]] = {
    # The desk's button on the coverage page.
    "rep_download": {
        "id": "Unduh laporan kemajuan (PDF)",
        "en": "Download the progress report (PDF)",
    },
    "rep_date_label": {"id": "Tanggal laporan", "en": "Report date"},
    "rep_date_hint": {
        "id": "Angka per akhir hari itu (WITA); kosong = hari ini.",
        "en": "Figures as of the end of that day (WITA); empty = today.",
    },
    "desk_report_date_bad": {
        "id": "Tanggal laporan tidak valid: {value}. Tulis HH-BB-TTTT, misalnya 02-12-2026.",
        "en": "Invalid report date: {value}. Write DD-MM-YYYY, for example 02-12-2026.",
    },
    "desk_report_date_future": {
        "id": "Tanggal laporan {value} belum terjadi: pilih hari ini atau sebelumnya.",
        "en": "The report date {value} is in the future: choose today or earlier.",
    },
    "desk_report_date_early": {
        "id": "Tanggal laporan {value} terlalu awal: pilih {earliest} atau sesudahnya.",
        "en": "The report date {value} is too early: choose {earliest} or later.",
    },
    "audit_export_report": {
        "id": "Unduh laporan kemajuan",
        "en": "Progress report downloaded",
    },
    # The PDF.
    "rep_title": {
        "id": "Laporan Kemajuan Kepesertaan BPJS Ketenagakerjaan",
        "en": "BPJS Ketenagakerjaan enrolment progress report",
    },
    "rep_subtitle": {
        "id": "Kabupaten Lombok Timur · keadaan per {day} pukul 24.00 WITA",
        "en": "Kabupaten Lombok Timur · as of {day} 24:00 WITA",
    },
    "rep_footer": {
        "id": "Dibuat {made} · halaman {page} dari {pages}",
        "en": "Made {made} · page {page} of {pages}",
    },
    "rep_targets": {"id": "Capaian terhadap target", "en": "Coverage against targets"},
    "rep_col_target_name": {"id": "Sasaran", "en": "Target group"},
    "rep_col_members": {"id": "Peserta", "en": "Members"},
    "rep_col_target": {"id": "Target", "en": "Target"},
    "rep_col_achieved": {"id": "Capaian", "en": "Achieved"},
    "rep_col_share": {"id": "Porsi", "en": "Share"},
    "rep_overall": {
        "id": "Seluruh pekerja ({share} % × {working} penduduk bekerja)",
        "en": "All workers ({share} % × {working} working people)",
    },
    "rep_map": {"id": "Peta cakupan per kecamatan", "en": "Coverage map by kecamatan"},
    "rep_map_note": {
        "id": "Angka di peta: capaian (%) kecamatan. Target kecamatan = target seluruh"
        " pekerja dibagi rata per desa/kelurahan.",
        "en": "Figures on the map: the kecamatan's coverage (%). A kecamatan's target ="
        " the overall target split equally over the villages.",
    },
    "rep_kecamatan": {"id": "Kecamatan", "en": "Kecamatan"},
    "rep_weeks": {
        "id": "Pendaftaran per minggu (12 minggu terakhir)",
        "en": "New members per week (last 12 weeks)",
    },
    "rep_weeks_note": {
        "id": "Minggu mulai Senin (tanggal/bulan). Garis: jumlah peserta kumulatif (skala kanan).",
        "en": "Weeks start on Monday (day/month). Line: members so far (right scale).",
    },
    "rep_segments": {"id": "Peserta per segmen", "en": "Members by segment"},
    "rep_col_segment": {"id": "Segmen", "en": "Segment"},
    "rep_total": {"id": "Jumlah", "en": "Total"},
    "rep_families": {"id": "Keluarga terlindungi", "en": "Families covered"},
    "rep_families_line": {
        "id": "{households} keluarga (KK) dengan {members} anggota terdaftar bersama"
        " keluarganya; rata-rata {size} orang per KK.",
        "en": "{households} families (KK) with {members} members enrolled with their"
        " family; {size} people per KK on average.",
    },
    "rep_col_households": {"id": "Keluarga (KK)", "en": "Families (KK)"},
    "rep_col_household_members": {"id": "Anggota keluarga", "en": "Family members"},
    "rep_funding": {"id": "Pendanaan iuran per sumber", "en": "Contributions by funding source"},
    "rep_col_source": {"id": "Sumber dana", "en": "Funding source"},
    "rep_col_monthly": {"id": "Iuran per bulan", "en": "Monthly"},
    "rep_col_yearly": {"id": "Iuran per tahun", "en": "Yearly"},
    "rep_public_total": {
        "id": "Anggaran publik (ADD + DBHCHT + APBD)",
        "en": "Public budgets (ADD + DBHCHT + APBD)",
    },
    "rep_all_total": {"id": "Seluruh iuran", "en": "All contributions"},
    "rep_funding_note": {
        "id": "Iuran bulan ini menurut tabel tarif yang berlaku {day}; per tahun = 12 × per bulan.",
        "en": "This month's contributions by the rates in force on {day}; yearly = 12 × monthly.",
    },
    "rep_umkm": {"id": "Konversi UMKM", "en": "UMKM conversions"},
    "rep_umkm_cash": {
        "id": "Modal awal diterima {people} pemilik UMKM, jumlah {amount}.",
        "en": "Start-up cash received by {people} UMKM owners, {amount} in all.",
    },
    "rep_col_due": {"id": "Jatuh tempo konversi", "en": "Conversion due"},
    "rep_umkm_overdue": {"id": "Lewat jatuh tempo", "en": "Overdue"},
    "rep_umkm_due": {"id": "Jatuh tempo dalam {bucket}", "en": "Due within {bucket}"},
    "rep_umkm_no_outcomes": {
        "id": "Hasil konversi (menjadi peserta berbayar, menolak, pindah) belum dicatat"
        " sistem; angka ini jumlah yang jatuh tempo.",
        "en": "Conversion outcomes (paid membership, declined, moved) are not recorded"
        " yet; these are the numbers falling due.",
    },
    "rep_education": {"id": "Jangkauan edukasi", "en": "Education reach"},
    "rep_education_none": {
        "id": "Belum ada sesi bimbingan dan edukasi yang tercatat.",
        "en": "No guidance and education session recorded yet.",
    },
    "rep_education_line": {
        "id": "{sessions} sesi; {reached} peserta terjangkau ({percent} dari peserta).",
        "en": "{sessions} sessions; {reached} members reached ({percent} of members).",
    },
}
