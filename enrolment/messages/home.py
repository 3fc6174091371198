"""The tablet's home screen: the list's household groups, the filter toggle and what a
finished sync says (totals, so it agrees with the counters beside it)."""

from __future__ import annotations

HOME: dict[str, dict[str, str]] = {
    "household_group": {
        "id": "Keluarga · KK {kk} · {n} orang",
        "en": "Household · KK {kk} · {n} people",
    },
    "discard_draft_title": {"id": "Buang draf {title}?", "en": "Discard the draft {title}?"},
    "filters_button": {"id": "Saring", "en": "Filter"},
    "filters_button_on": {"id": "Saring ({n})", "en": "Filter ({n})"},
    "sync_done_totals": {
        "id": "Sinkronisasi selesai: {accepted} diterima, {set_aside} perlu perhatian dari"
        " kiriman ini. Sekarang {sent} terkirim, {attention} perlu perhatian, {pending}"
        " belum terkirim.",
        "en": "Sync finished: {accepted} accepted, {set_aside} need attention of this"
        " sending. Now {sent} sent, {attention} need attention, {pending} not sent.",
    },
    "sync_activities_part": {
        "id": "Kehadiran dan kunjungan: {sent} tercatat, {set_aside} perlu perhatian.",
        "en": "Attendance and visits: {sent} recorded, {set_aside} need attention.",
    },
}
