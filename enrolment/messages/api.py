"""The API's error replies (`sync_server.api.errors`): `{"code", "id", "en"}` under
`error`. The codes travel on the wire, so they are the catalogue's codes as they are."""

from __future__ import annotations

API: dict[str, dict[str, str]] = {
    "pairing_code_invalid": {
        "id": "Kode pemasangan salah, sudah dipakai, atau kedaluwarsa.",
        "en": "The pairing code is wrong, already used, or expired.",
    },
    # Wire code too_many_attempts from POST /api/v1/devices/pair (api/routes/devices.py).
    "pairing_throttled": {
        "id": "Terlalu banyak percobaan kode pemasangan yang salah. Coba lagi dalam {n} detik.",
        "en": "Too many wrong pairing codes. Try again in {n} seconds.",
    },
    "device_revoked": {
        "id": "Tablet ini telah dicabut oleh koordinator.",
        "en": "This tablet has been revoked by a coordinator.",
    },
    "unauthorized": {
        "id": "Perangkat belum dipasangkan atau tokennya tidak berlaku.",
        "en": "The device is not paired or its token is not valid.",
    },
    "body_too_large": {"id": "Data kiriman terlalu besar.", "en": "The request body is too large."},
    # Wire code body_too_large from the size limits (request_limits.py), which name the limit.
    "body_over_limit": {
        "id": "Data kiriman terlalu besar (maksimal {size}).",
        "en": "The request body is too large (at most {size}).",
    },
    "bad_encoding": {
        "id": "Kompresi data tidak dikenal atau rusak.",
        "en": "The body's compression is unknown or corrupt.",
    },
    "not_json": {
        "id": "Data kiriman bukan JSON yang benar.",
        "en": "The request body is not valid JSON.",
    },
    "not_reconcile": {
        "id": "Data kiriman bukan permintaan rekonsiliasi yang benar.",
        "en": "The body is not a valid reconciliation request.",
    },
    "not_push": {
        "id": "Data kiriman bukan paket sinkronisasi versi 1.",
        "en": "The body is not a protocol-1 push.",
    },
    "too_many_records": {
        "id": "Terlalu banyak data dalam satu kiriman (maksimal {n}).",
        "en": "Too many records in one push (at most {n}).",
    },
    "bad_cursor": {
        "id": "Posisi sinkronisasi tidak dikenal; ulangi dari awal.",
        "en": "Unknown sync cursor; start again without one.",
    },
    "bad_kecamatan": {
        "id": "Kode kecamatan tidak dikenal (contoh: 52.03.07).",
        "en": "Unknown kecamatan code (e.g. 52.03.07).",
    },
    # Card printing (GET /api/v1/cards/batch.pdf)
    "bad_desa": {
        "id": "Kode desa tidak dikenal (contoh: 52.03.07.1001).",
        "en": "Unknown desa code (e.g. 52.03.07.1001).",
    },
    "bad_selection": {
        "id": "Pilih satu kecamatan atau desa, nomor seri kartu, atau tanggal cetak ulang.",
        "en": "Choose one kecamatan or desa, card serials, or a reprint date.",
    },
    "no_cards": {"id": "Tidak ada kartu untuk dicetak.", "en": "There are no cards to print."},
    "batch_too_large": {
        "id": "Terlalu banyak kartu ({n}) untuk satu unduhan (maksimal {max}); cetak per desa"
        " atau pakai perintah print-cards.",
        "en": "Too many cards ({n}) for one download (at most {max}); print by desa or use the"
        " print-cards command.",
    },
    # Why a card is gone (410, api/routes/cards.py).
    "card_revoked": {
        "id": "Kartu peserta ini sudah dicabut ({reason}). Kartu baru hanya diterbitkan"
        " koordinator di kantor dinas.",
        "en": "This member's card was revoked ({reason}). Only a coordinator at the office"
        " issues a new one.",
    },
    "member_retired": {
        "id": "Data peserta ini sudah digabung atau ditolak koordinator; tidak ada kartu.",
        "en": "This member was merged or rejected by a coordinator; there is no card.",
    },
    "bad_request": {"id": "Permintaan tidak valid.", "en": "Bad request."},
    "invalid_request": {
        "id": "Permintaan tidak valid: {detail}.",
        "en": "Invalid request: {detail}.",
    },
    "not_found": {"id": "Tidak ditemukan.", "en": "Not found."},
    "method_not_allowed": {"id": "Metode tidak diizinkan.", "en": "Method not allowed."},
    "http_error": {"id": "Permintaan gagal.", "en": "The request failed."},
    "too_many_attempts": {
        "id": "Terlalu banyak percobaan; tunggu sebentar lalu coba lagi.",
        "en": "Too many attempts; wait a while, then try again.",
    },
    "busy": {
        "id": "Server sedang sibuk; data tersimpan di tablet dan akan dikirim ulang.",
        "en": "The server is busy; the data is kept on the tablet and will be sent again.",
    },
    "client_disconnected": {
        "id": "Kiriman terputus sebelum diterima lengkap; kirim ulang.",
        "en": "The upload was cut off before it arrived in full; send it again.",
    },
    "internal": {
        "id": "Terjadi kesalahan di server. Silakan coba lagi nanti.",
        "en": "Something went wrong on the server. Please try again later.",
    },
}
