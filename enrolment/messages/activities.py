"""Field work after enrolment (enrolment/activities.py): the reasons an attendance or
an UMKM follow-up visit is refused (on the tablet before saving, or by the server),
and the names of topics and visit outcomes, shared by tablet and desk."""

from __future__ import annotations

ACTIVITIES: dict[str, dict[str, str]] = {
    "attendance_card_missing": {
        "id": "Kartu belum dipindai.",
        "en": "No card was scanned.",
    },
    "attendance_nik_missing": {"id": "NIK belum diisi.", "en": "The NIK is missing."},
    "attendance_nik_format": {
        "id": "NIK harus 16 angka.",
        "en": "The NIK must be 16 digits.",
    },
    "attendance_name_missing": {
        "id": "Nama peserta yang hadir belum diisi.",
        "en": "The attendee's name is missing.",
    },
    "attendance_name_characters": {
        "id": "Nama berisi karakter yang tidak diizinkan.",
        "en": "The name contains characters that are not allowed.",
    },
    "attendance_session_unknown": {
        "id": "Sesi edukasi ini tidak dikenal server (mungkin dibatalkan).",
        "en": "The server does not know this education session (it may be cancelled).",
    },
    "attendance_card_revoked": {
        "id": "Kartu ini sudah dicabut ({reason}): tidak dihitung hadir.",
        "en": "This card has been revoked ({reason_en}): not counted as present.",
    },
    "attendance_card_not_genuine": {
        "id": "Kartu ini bukan kartu asli Lombok Timur: tidak dihitung hadir.",
        "en": "This is not a genuine Lombok Timur card: not counted as present.",
    },
    "visit_start_missing": {
        "id": "Isi tanggal mulai kepesertaan berbayar.",
        "en": "Enter the date paid membership starts.",
    },
    "visit_start_only_converted": {
        "id": "Tanggal mulai hanya untuk peserta yang beralih ke kepesertaan berbayar.",
        "en": "A start date is only for a member who converted to paid membership.",
    },
    "visit_reason_missing": {
        "id": "Isi alasan penolakan.",
        "en": "Enter the reason for declining.",
    },
    "visit_reason_characters": {
        "id": "Alasan berisi karakter yang tidak diizinkan.",
        "en": "The reason contains characters that are not allowed.",
    },
    "visit_member_unknown": {
        "id": "Nomor peserta ini tidak dikenal server.",
        "en": "The server does not know this member number.",
    },
    "visit_not_umkm": {
        "id": "Peserta ini bukan pelaku UMKM penerima modal usaha.",
        "en": "This member is not an UMKM owner with start-up cash.",
    },
    "activity_cid_reused": {
        "id": "Kode kegiatan ini sudah dipakai untuk data lain: tidak dicatat.",
        "en": "This activity's id was already used for other data: not recorded.",
    },
    # How a revoked card's reason reads inside attendance_card_revoked, for the reasons
    # the desk's revoke_reason_<reason> does not name (a reissue, a coordinator's merge).
    "attendance_revoke_reissued": {
        "id": "diganti kartu baru",
        "en": "replaced by a newer card",
    },
    "attendance_revoke_other": {"id": "oleh kantor", "en": "by the office"},
    # The activities endpoint's errors (a malformed envelope: 400, nothing stored).
    "not_activities": {
        "id": "Data kiriman bukan paket kegiatan versi 1.",
        "en": "The body is not a protocol-1 activities push.",
    },
    "too_many_activities": {
        "id": "Terlalu banyak kegiatan dalam satu kiriman (maksimal {n}).",
        "en": "Too many activities in one push (at most {n}).",
    },
    # Topics of education sessions (enrolment.activities.Topic).
    "topic_financial_literacy": {"id": "Literasi keuangan", "en": "Financial literacy"},
    "topic_work_skills": {"id": "Keterampilan kerja", "en": "Work skills"},
    "topic_work_safety": {"id": "Keselamatan kerja", "en": "Work safety"},
    "topic_bpjs_benefits": {
        "id": "Manfaat dan klaim BPJS Ketenagakerjaan",
        "en": "BPJS Ketenagakerjaan benefits and claims",
    },
    "topic_other": {"id": "Topik lain", "en": "Another topic"},
    # UMKM follow-up visit outcomes (enrolment.activities.VisitOutcome).
    "visit_converted": {"id": "Beralih ke peserta berbayar", "en": "Converted to paid"},
    "visit_declined": {"id": "Menolak", "en": "Declined"},
    "visit_moved": {"id": "Pindah", "en": "Moved away"},
    "visit_not_found": {"id": "Tidak ditemukan", "en": "Could not be found"},
}
