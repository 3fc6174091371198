"""What a scanned card proves (`sync_server.services.verification`), for the public
verify page and `/api/v1/verify`: `verify_status_<status>` is the headline,
`verify_reason_<reason>` the explanation (the reason code travels as it is)."""

from __future__ import annotations

CARDS: dict[str, dict[str, str]] = {
    "verify_status_valid": {"id": "KARTU ASLI DAN BERLAKU", "en": "Genuine and valid card"},
    "verify_status_expired": {
        "id": "KARTU ASLI, MASA BERLAKU HABIS",
        "en": "Genuine card, expired",
    },
    "verify_status_revoked": {"id": "KARTU SUDAH DICABUT", "en": "This card has been revoked"},
    "verify_status_not_genuine": {"id": "KARTU TIDAK ASLI", "en": "Not a genuine card"},
    # valid
    "verify_reason_active": {
        "id": "Tanda tangan digital cocok, kartu aktif dan masih berlaku.",
        "en": "The digital signature matches; the card is active and in date.",
    },
    # expired
    "verify_reason_expired": {
        "id": "Tanda tangan digital cocok, tetapi masa berlaku kartu sudah lewat.",
        "en": "The digital signature matches, but the card's validity has ended.",
    },
    # revoked (the reason recorded when it was revoked)
    "verify_reason_lost": {"id": "Kartu dilaporkan hilang.", "en": "The card was reported lost."},
    "verify_reason_stolen": {
        "id": "Kartu dilaporkan dicuri.",
        "en": "The card was reported stolen.",
    },
    "verify_reason_data_error": {
        "id": "Data pada kartu salah; kartu ditarik.",
        "en": "The data on the card was wrong; the card was withdrawn.",
    },
    "verify_reason_reissued": {
        "id": "Kartu baru telah diterbitkan untuk peserta ini; kartu ini tidak berlaku lagi.",
        "en": "A newer card was issued to this member; this one no longer counts.",
    },
    # a revocation reason recorded by some other path (e.g. the desk)
    "verify_reason_revoked_other": {
        "id": "Kartu telah dicabut oleh petugas.",
        "en": "The card was revoked by the office.",
    },
    # not genuine
    "verify_reason_malformed": {
        "id": "Kode pada kartu rusak, tidak lengkap, atau bukan kode kartu peserta.",
        "en": "The code is damaged, incomplete, or not a membership-card code.",
    },
    "verify_reason_bad_signature": {
        "id": "Tanda tangan digital tidak cocok: data kartu telah diubah.",
        "en": "The digital signature does not match: the card's data was altered.",
    },
    "verify_reason_unknown_key": {
        "id": "Kartu ditandatangani dengan kunci yang tidak dikenal program ini.",
        "en": "The card was signed with a key this programme does not know.",
    },
    "verify_reason_unknown_card": {
        "id": "Kartu tidak ada dalam data program ini.",
        "en": "The card is not in this programme's records.",
    },
    "verify_reason_unknown": {
        "id": "Kartu tidak dapat diperiksa.",
        "en": "The card could not be checked.",
    },
    # The printed card (sync_server/services/card_layout.py), "Indonesia / English".
    "card_print_title": {"id": "KARTU PESERTA", "en": "MEMBER CARD"},
    "card_print_member_no": {"id": "No. Peserta", "en": "Member no."},
    "card_print_segment": {"id": "Segmen", "en": "Segment"},
    "card_print_village": {"id": "Desa", "en": "Village"},
    "card_print_valid": {"id": "Berlaku", "en": "Valid"},
    # Under the QR, one language a line, each within the code's width at 7 pt.
    "card_print_scan": {"id": "Pindai QR untuk cek keaslian", "en": "Scan the QR to verify"},
}
