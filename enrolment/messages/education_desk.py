"""The desk's pages for education sessions, attendance and UMKM follow-up (/desk/edukasi,
the education figures on the coverage page and the follow-up on the money page): the
refusals of a planned or cancelled session, by code `edk_<code>`
(sync_server/services/education_desk.py: EducationError), labels and audit entries."""

from __future__ import annotations

EDUCATION_DESK: dict[str, dict[str, str]] = {
    "nav_education": {"id": "Edukasi", "en": "Education"},
    "edk_title": {"id": "Sesi edukasi", "en": "Education sessions"},
    "edk_intro": {
        "id": (
            "Rencanakan sesi bimbingan dan edukasi per desa. Tablet yang wilayahnya memuat "
            "desa itu menerima sesi saat sinkron dan mencatat kehadiran (pindai kartu, NIK, "
            "atau nama untuk yang belum menjadi peserta)."
        ),
        "en": (
            "Plan guidance and education sessions by village. Tablets whose area holds the "
            "village receive the session when they sync and record attendance (card scan, "
            "NIK, or a name for people who are not members yet)."
        ),
    },
    # The form.
    "edk_plan": {"id": "Rencanakan sesi", "en": "Plan a session"},
    "edk_topic": {"id": "Topik", "en": "Topic"},
    "edk_title_field": {
        "id": "Judul (wajib untuk topik lain)",
        "en": "Title (needed for another topic)",
    },
    "edk_village": {"id": "Desa", "en": "Village"},
    "edk_area": {"id": "Kecamatan atau desa", "en": "Kecamatan or village"},
    "edk_date": {"id": "Tanggal", "en": "Date"},
    "edk_place": {"id": "Tempat", "en": "Place"},
    "edk_facilitator": {"id": "Fasilitator", "en": "Facilitator"},
    "edk_segments": {"id": "Segmen sasaran", "en": "Target segments"},
    "edk_segments_hint": {
        "id": "Tidak ada yang dicentang: untuk semua.",
        "en": "None ticked: for everyone.",
    },
    "edk_everyone": {"id": "Semua", "en": "Everyone"},
    "edk_choose": {"id": "— pilih —", "en": "choose"},
    "edk_planned": {"id": "Sesi direncanakan: {label}.", "en": "Session planned: {label}."},
    "edk_cancelled_notice": {
        "id": "Sesi dibatalkan: {label}.",
        "en": "Session cancelled: {label}.",
    },
    # A plan refused: nothing is stored.
    "edk_topic_bad": {"id": "Pilih topik dari daftar.", "en": "Choose a topic from the list."},
    "edk_title_missing": {
        "id": "Topik lain perlu judul.",
        "en": "Another topic needs a title.",
    },
    "edk_too_long": {
        "id": "{field} terlalu panjang: paling banyak {max} karakter.",
        "en": "{field_en} is too long: at most {max} characters.",
    },
    "edk_characters": {
        "id": "{field} berisi karakter yang tidak diizinkan.",
        "en": "{field_en} contains characters that are not allowed.",
    },
    "edk_village_bad": {
        "id": "Pilih desa Lombok Timur dari daftar.",
        "en": "Choose a village of Lombok Timur from the list.",
    },
    "edk_date_missing": {
        "id": "Isi tanggal sesi (HH-BB-TTTT).",
        "en": "Enter the session's date (DD-MM-YYYY).",
    },
    "edk_date_bad": {
        "id": "Tanggal tidak valid: {value} (tulis HH-BB-TTTT).",
        "en": "Not a date: {value} (write DD-MM-YYYY).",
    },
    "edk_date_too_early": {
        "id": "Tanggal {day} lebih dari {days} hari yang lalu: tablet tidak lagi menerimanya.",
        "en": "{day} is more than {days} days ago: tablets would no longer receive it.",
    },
    "edk_date_too_late": {
        "id": "Tanggal {day} lebih dari setahun lagi.",
        "en": "{day} is more than a year ahead.",
    },
    "edk_place_missing": {"id": "Isi tempat sesi.", "en": "Enter the session's place."},
    "edk_segment_bad": {
        "id": "Segmen tidak dikenal: {value}.",
        "en": "Unknown segment: {value}.",
    },
    # A cancellation refused.
    "edk_already_cancelled": {
        "id": "Sesi ini sudah dibatalkan.",
        "en": "This session is cancelled already.",
    },
    "edk_has_attendance": {
        "id": (
            "Sesi ini sudah punya kehadiran tercatat ({count}): sesi sudah berlangsung, "
            "tidak dapat dibatalkan."
        ),
        "en": (
            "This session has recorded attendance ({count}): it took place and cannot be cancelled."
        ),
    },
    "edk_confirm_missing": {
        "id": "Centang konfirmasi untuk membatalkan sesi.",
        "en": "Tick the confirmation to cancel the session.",
    },
    "edk_confirm": {"id": "Ya, batalkan sesi ini", "en": "Yes, cancel this session"},
    "edk_cancel": {"id": "Batalkan sesi", "en": "Cancel the session"},
    "edk_cancel_confirm": {
        "id": "Batalkan sesi ini? Tablet tidak akan menerimanya lagi.",
        "en": "Cancel this session? Tablets will no longer receive it.",
    },
    # The list.
    "edk_sessions": {"id": "Daftar sesi", "en": "Sessions"},
    "edk_upcoming": {"id": "Akan datang", "en": "Upcoming"},
    "edk_past": {"id": "Sudah lewat", "en": "Past"},
    "edk_all": {"id": "Semua", "en": "All"},
    "edk_filter": {"id": "Saring", "en": "Filter"},
    "edk_all_areas": {"id": "Semua kecamatan dan desa", "en": "All kecamatan and villages"},
    "edk_all_topics": {"id": "Semua topik", "en": "All topics"},
    "edk_no_sessions": {"id": "Belum ada sesi.", "en": "No session yet."},
    "edk_members_counted": {"id": "Peserta hadir", "en": "Members present"},
    "edk_non_members": {"id": "Bukan peserta", "en": "Non-members"},
    "edk_attendance": {"id": "Kehadiran", "en": "Attendance"},
    "edk_status_cancelled": {"id": "dibatalkan", "en": "cancelled"},
    "edk_status_today": {"id": "hari ini", "en": "today"},
    "edk_more_sessions": {
        "id": "Menampilkan {shown} dari {total} sesi; persempit saringan.",
        "en": "Showing {shown} of {total} sessions; narrow the filter.",
    },
    # The detail page.
    "edk_detail": {"id": "Sesi edukasi", "en": "Education session"},
    "edk_attendees": {"id": "Yang hadir", "en": "Attendees"},
    "edk_no_attendees": {
        "id": "Belum ada kehadiran tercatat.",
        "en": "No attendance recorded yet.",
    },
    "edk_member_no": {"id": "No. peserta", "en": "Member no."},
    "edk_name": {"id": "Nama", "en": "Name"},
    "edk_nik": {"id": "NIK", "en": "NIK"},
    "edk_segment": {"id": "Segmen", "en": "Segment"},
    "edk_recorded_by": {"id": "Dicatat dengan", "en": "Recorded by"},
    "edk_method_card": {"id": "kartu", "en": "card"},
    "edk_method_nik": {"id": "NIK", "en": "NIK"},
    "edk_method_guest": {"id": "nama", "en": "name"},
    "edk_offer_enrolment": {
        "id": "bukan peserta — tawarkan pendaftaran",
        "en": "not a member — offer enrolment",
    },
    "edk_now_member": {"id": "kini peserta {member_no}", "en": "now member {member_no}"},
    "edk_by_segment": {"id": "Kehadiran per segmen", "en": "Attendance by segment"},
    "edk_created": {"id": "Direncanakan oleh {who}, {when}", "en": "Planned by {who}, {when}"},
    "edk_cancelled_at": {"id": "Dibatalkan {when}", "en": "Cancelled {when}"},
    "edk_back": {"id": "Kembali ke daftar sesi", "en": "Back to the sessions"},
    # The figures.
    "edk_figures": {"id": "Angka edukasi", "en": "Education figures"},
    "edk_reach": {"id": "Jangkauan edukasi", "en": "Education reach"},
    "edk_reach_note": {
        "id": "Peserta yang hadir di sedikitnya satu sesi, dari seluruh peserta terdaftar.",
        "en": "Members who attended at least one session, of all registered members.",
    },
    "edk_short_present": {"id": "Hadir", "en": "Present"},
    "edk_short_reached": {"id": "Terjangkau", "en": "Reached"},
    "edk_segment_note": {
        "id": (
            "Hadir: kehadiran peserta di semua sesi (satu orang di dua sesi terhitung dua); "
            "terjangkau: peserta berbeda; %: dari peserta segmen itu."
        ),
        "en": (
            "Present: members' attendances over all sessions (one person at two sessions "
            "counts twice); reached: distinct members; %: of the segment's members."
        ),
    },
    "edk_reached": {"id": "Peserta terjangkau", "en": "Members reached"},
    "edk_sessions_held": {"id": "Sesi", "en": "Sessions"},
    "edk_attendances": {"id": "Kehadiran peserta", "en": "Member attendances"},
    "edk_by_topic": {"id": "Per topik", "en": "By topic"},
    "edk_by_kecamatan": {"id": "Per kecamatan", "en": "By kecamatan"},
    "edk_kecamatan_note": {
        "id": "Sesi dan kehadiran menurut desa sesi; jangkauan menurut tempat tinggal peserta.",
        "en": "Sessions and attendance by the session's village; reach by where members live.",
    },
    "edk_members": {"id": "Peserta", "en": "Members"},
    "edk_never_reached": {
        "id": "Peserta terdaftar yang belum pernah terjangkau",
        "en": "Members enrolled but never reached",
    },
    "edk_never_reached_none": {
        "id": "Semua peserta sudah terjangkau.",
        "en": "Every member has been reached.",
    },
    "edk_page_of": {"id": "Halaman {page} dari {pages}", "en": "Page {page} of {pages}"},
    "edk_previous": {"id": "Sebelumnya", "en": "Previous"},
    "edk_next": {"id": "Berikutnya", "en": "Next"},
    "edk_village_col": {"id": "Desa", "en": "Village"},
    "edk_enrolled": {"id": "Terdaftar", "en": "Enrolled"},
    "edk_total": {"id": "Jumlah", "en": "Total"},
    # Downloads.
    "edk_downloads": {"id": "Unduhan", "en": "Downloads"},
    "edk_download_attendance": {"id": "Kehadiran", "en": "Attendance"},
    "edk_download_never": {"id": "Belum terjangkau", "en": "Never reached"},
    "edk_col_session": {"id": "Sesi", "en": "Session"},
    "edk_col_kind": {"id": "Status", "en": "Status"},
    "edk_kind_member": {"id": "peserta", "en": "member"},
    "edk_kind_guest": {"id": "bukan peserta", "en": "not a member"},
    "edk_col_attended": {"id": "Dicatat (WITA)", "en": "Recorded (WITA)"},
    "edk_col_phone": {"id": "Telepon", "en": "Phone"},
    # Audit entries.
    "audit_education_plan": {"id": "Sesi edukasi direncanakan", "en": "Education session planned"},
    "audit_education_cancel": {
        "id": "Sesi edukasi dibatalkan",
        "en": "Education session cancelled",
    },
    "audit_export_attendance": {"id": "Ekspor kehadiran edukasi", "en": "Attendance export"},
    "audit_export_never_reached": {
        "id": "Ekspor peserta belum terjangkau",
        "en": "Never-reached members export",
    },
    # The coverage page.
    "cov_education_reach": {"id": "Jangkauan edukasi", "en": "Education reach"},
    "cov_col_reached": {"id": "Terjangkau", "en": "Reached"},
    "cov_col_reach": {"id": "Jangkauan", "en": "Reach"},
    # The money page: UMKM follow-up visits.
    "fu_title": {"id": "Kunjungan tindak lanjut UMKM", "en": "UMKM follow-up visits"},
    "fu_intro": {
        "id": (
            "Pelaku UMKM penerima modal usaha: kunjungan petugas menjelang peralihan ke "
            "kepesertaan berbayar, menurut hasil kunjungan terakhir tiap peserta."
        ),
        "en": (
            "UMKM owners with start-up cash: officers' visits as conversion to paid membership "
            "falls due, by each member's latest visit."
        ),
    },
    "fu_owners": {"id": "Pelaku UMKM bermodal", "en": "UMKM owners with cash"},
    "fu_due_30": {"id": "Jatuh tempo ≤ 30 hari, belum tuntas", "en": "Due within 30 days, open"},
    "fu_overdue": {"id": "Lewat waktu, belum tuntas", "en": "Overdue, open"},
    "fu_open_note": {
        "id": "Belum tuntas: belum ada kunjungan dengan hasil beralih atau pindah.",
        "en": "Open: no visit recorded as converted or moved.",
    },
    "fu_not_visited": {"id": "Belum dikunjungi", "en": "Not yet visited"},
    "fu_outcome": {"id": "Hasil kunjungan terakhir", "en": "Latest visit outcome"},
    "fu_starts": {"id": "Mulai berbayar", "en": "Paid from"},
    "fu_visited": {"id": "Dikunjungi", "en": "Visited"},
    "fu_reasons": {"id": "Alasan menolak terbanyak", "en": "Reasons most given for declining"},
    "fu_converted_list": {"id": "Yang beralih", "en": "Converted"},
    "fu_none": {"id": "Belum ada kunjungan tercatat.", "en": "No visit recorded yet."},
    "fu_list": {"id": "Peserta dan hasil kunjungan", "en": "Members and visit outcomes"},
    # The progress report's line under the conversions (services/progress_report_pdf.py).
    "rep_umkm_outcomes": {
        "id": (
            "Kunjungan tindak lanjut, hasil terakhir per pelaku UMKM bermodal: {converted} "
            "beralih ke peserta berbayar, {declined} menolak, {moved} pindah, {not_found} "
            "tidak ditemukan, {not_visited} belum dikunjungi."
        ),
        "en": (
            "Follow-up visits, latest outcome per UMKM owner with cash: {converted} converted "
            "to paid, {declined} declined, {moved} moved, {not_found} not found, "
            "{not_visited} not yet visited."
        ),
    },
    "fu_due": {"id": "Jatuh tempo", "en": "Due"},
}
