"""Pairing screen: server address, pairing code and officer name.

An http:// address of another machine is marked under the field as it is typed (the
tablet pairs only over https://, see field_app/server_address.py).
"""

from __future__ import annotations

import flet as ft

from field_app.i18n import t
from field_app.server_address import check_server_address
from field_app.state import AppState
from field_app.views.common import big_button, message_bar, page_frame, text_input


@ft.component
def PairView(state: AppState) -> ft.Control:
    """First screen on a new tablet: exchange the coordinator's code for a device token."""
    lang = state.lang
    address = check_server_address(state.server_url)
    # Only the definite problem while typing: "invalid" would flash at every keystroke.
    insecure = address.message(lang) if address.problem == "address_insecure" else None
    return page_frame(
        t("pair_title", lang),
        t("switch_lang", lang),
        lambda e: state.toggle_lang(),
        [
            ft.Text(t("pair_help", lang), size=16),
            text_input(
                t("server_url", lang),
                state.server_url,
                lambda v: setattr(state, "server_url", v),
                error=insecure,
                keyboard=ft.KeyboardType.URL,
            ),
            text_input(
                t("pairing_code", lang),
                state.pairing_code,
                lambda v: setattr(state, "pairing_code", v),
            ),
            text_input(
                t("officer_name", lang), state.officer, lambda v: setattr(state, "officer", v)
            ),
            ft.Row([big_button(t("pair_button", lang), state.pair, disabled=state.busy)]),
            message_bar(state.message),
        ],
    )
