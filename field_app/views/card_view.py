"""A synced member's card, shown from local data so it works offline."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from enrolment import areas
from enrolment.segments import segment_name
from field_app.card_image import qr_png, verification_url
from field_app.features.card import ShownCard
from field_app.i18n import t
from field_app.session import Session
from field_app.typed_values import format_date
from field_app.views.common import big_button, page_frame


@ft.component
def CardView(session: Session, shown: ShownCard, go_home: Callable[[], None]) -> ft.Control:
    """The member card with its QR code."""
    lang, item = session.lang, shown.item
    token = item.card_token if item is not None else None
    url = verification_url(shown.link_base, token) if token else ""
    qr = ft.use_memo(lambda: qr_png(url) if url else b"", [url])  # drawn once per card
    if item is None or not token:
        return ft.Text("")
    rec = item.record
    card = ft.Container(
        ft.Column(
            [
                ft.Text(
                    "BPJS Ketenagakerjaan · Kabupaten Lombok Timur",
                    size=15,
                    weight=ft.FontWeight.W_600,
                    color=ft.Colors.WHITE,
                ),
                ft.Text(rec.full_name, size=24, weight=ft.FontWeight.BOLD, color=ft.Colors.WHITE),
                ft.Text(
                    f"{t('member_no', lang)}: {item.member_no}", size=18, color=ft.Colors.WHITE
                ),
                ft.Text(segment_name(rec.segment, lang), size=16, color=ft.Colors.WHITE),
                ft.Text(areas.village_label(rec.village_code), size=16, color=ft.Colors.WHITE),
                *_validity(shown, lang),
            ],
            spacing=4,
        ),
        bgcolor=ft.Colors.GREY_700 if shown.revoked else ft.Colors.GREEN_800,
        padding=16,
        border_radius=14,
    )
    return page_frame(
        t("card_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        [
            *([_revoked_banner(lang)] if shown.revoked else []),
            card,
            ft.Container(
                ft.Image(src=qr, width=320, height=320, semantics_label=f"QR {item.member_no}"),
                alignment=ft.Alignment.CENTER,
                bgcolor=ft.Colors.WHITE,
                padding=8,
            ),
            ft.Text(t("card_scan_hint", lang), size=15),
            ft.Row([big_button(t("back", lang), lambda e: go_home(), primary=False)]),
        ],
    )


def _validity(shown: ShownCard, lang: str) -> list[ft.Control]:
    if shown.valid is None:
        return []
    start, end = (format_date(d.isoformat()) for d in shown.valid)
    text = t("card_valid", lang, start=start, end=end)
    return [ft.Text(text, size=16, color=ft.Colors.WHITE)]


def _revoked_banner(lang: str) -> ft.Control:
    """A revoked card is never shown as if it were valid."""
    return ft.Container(
        ft.Row(
            [
                ft.Icon(ft.Icons.BLOCK, color=ft.Colors.WHITE),
                ft.Text(
                    t("card_revoked_banner", lang),
                    size=16,
                    weight=ft.FontWeight.BOLD,
                    color=ft.Colors.WHITE,
                    expand=True,
                ),
            ]
        ),
        bgcolor=ft.Colors.RED_800,
        padding=12,
        border_radius=10,
    )
