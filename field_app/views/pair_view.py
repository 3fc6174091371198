"""Pairing screen: server address, pairing code, officer name and the officer's PIN.

An http:// address of another machine is marked under the field as it is typed (the
tablet pairs only over https://, see field_app/server_address.py).
"""

from __future__ import annotations

import flet as ft

from field_app.features.pairing import (
    DEFAULT_SERVER,
    PairingInputs,
    asks_pin,
    fill_from_qr,
    pair,
)
from field_app.i18n import t
from field_app.server_address import check_server_address
from field_app.session import Session
from field_app.views.common import big_button, message_bar, page_frame, text_input
from field_app.views.qr_scan_view import QrScanner
from field_app.views.sign_in_view import pin_input


@ft.component
def PairView(session: Session) -> ft.Control:
    """First screen on a new tablet: exchange the coordinator's code for a device token.
    What is typed is this screen's own state."""
    lang = session.lang
    inputs, _ = ft.use_state(
        lambda: PairingInputs(
            server_url=session.store.get_setting("server_url") or DEFAULT_SERVER,
            officer=session.officer if not session.store.locked else "",
        )
    )
    address = check_server_address(inputs.server_url)

    async def submit(e: ft.Event) -> None:
        await pair(session, inputs)

    async def scanned(text: str) -> None:
        fill_from_qr(session, inputs, text)

    # Only the definite problem while typing: "invalid" would flash at every keystroke.
    insecure = address.message(lang) if address.problem == "address_insecure" else None
    return page_frame(
        t("pair_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        [
            ft.Text(t("pair_help", lang), size=16),
            QrScanner(t("scan_pairing", lang), lang, scanned),
            text_input(
                t("server_url", lang),
                inputs.server_url,
                lambda v: inputs.set("server_url", v),
                error=insecure,
                keyboard=ft.KeyboardType.URL,
            ),
            text_input(
                t("pairing_code", lang),
                inputs.pairing_code,
                lambda v: inputs.set("pairing_code", v),
            ),
            text_input(t("officer_name", lang), inputs.officer, lambda v: inputs.set("officer", v)),
            *(
                [
                    ft.Text(t("pair_pin_help", lang), size=15),
                    pin_input(t("pin_new", lang), inputs.pin, lambda v: inputs.set("pin", v)),
                    pin_input(
                        t("pin_again", lang), inputs.pin_again, lambda v: inputs.set("pin_again", v)
                    ),
                ]
                if asks_pin(session)
                else []
            ),
            ft.Row([big_button(t("pair_button", lang), submit, disabled=session.busy)]),
            message_bar(session.message, session.message_kind),
        ],
    )
