"""Check a member card offline: QR text in, verdict and the card's claims out."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from enrolment import areas
from enrolment.card_check import CardCheck, Verdict
from enrolment.segments import segment_name
from field_app.features.card import CardChecker, QrText
from field_app.form import format_date
from field_app.i18n import t
from field_app.session import Session
from field_app.views.common import big_button, page_frame, text_input
from field_app.views.qr_scan_view import QrScanner

_LOOK = {
    Verdict.VALID: (ft.Colors.GREEN_100, ft.Icons.VERIFIED),
    Verdict.EXPIRED: (ft.Colors.AMBER_100, ft.Icons.EVENT_BUSY),
    Verdict.REVOKED: (ft.Colors.RED_100, ft.Icons.BLOCK),
    Verdict.NOT_GENUINE: (ft.Colors.RED_100, ft.Icons.GPP_BAD),
    Verdict.UNKNOWN_KEY: (ft.Colors.GREY_200, ft.Icons.SYNC_PROBLEM),
}


def _result(check: CardCheck, lang: str) -> ft.Control:
    colour, icon = _LOOK[check.verdict]
    lines: list[ft.Control] = [
        ft.Row(
            [
                ft.Icon(icon, size=32),
                ft.Text(
                    t(f"verdict_{check.verdict}", lang),
                    size=20,
                    weight=ft.FontWeight.BOLD,
                    expand=True,
                ),
            ]
        )
    ]
    c = check.claims
    if c is not None:
        for label, value in (
            (t("name", lang), c.name),
            (t("member_no", lang), c.member_no),
            (t("segment", lang), segment_name(c.segment, lang)),
            (t("village", lang), areas.village_label(c.village_code)),
            (t("valid_until", lang), format_date(c.expires.isoformat())),
        ):
            lines.append(ft.Text(f"{label}: {value}", size=17))
    return ft.Container(ft.Column(lines, spacing=6), bgcolor=colour, padding=14, border_radius=12)


@ft.component
def VerifyView(session: Session, checker: CardChecker, go_home: Callable[[], None]) -> ft.Control:
    """The card-check screen; the QR text typed or scanned is this screen's own state."""
    lang = session.lang
    qr, _ = ft.use_state(QrText)
    verdict = checker.verdict_for(qr.text)

    async def run(e: ft.Event) -> None:
        await checker.verify(qr.text)

    async def scanned(text: str) -> None:
        qr.set(text)
        await checker.verify(text)

    return page_frame(
        t("verify_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        [
            ft.Text(t("verify_help", lang), size=16),
            QrScanner(t("scan_card", lang), lang, scanned),
            text_input(
                t("verify_input", lang),
                qr.text,
                qr.set,
                keyboard=ft.KeyboardType.URL,
            ),
            ft.Row([big_button(t("verify_run", lang), run, icon=ft.Icons.QR_CODE)]),
            *([_result(verdict, lang)] if verdict else []),
            ft.Row([big_button(t("back", lang), lambda e: go_home(), primary=False)]),
        ],
    )
