"""Pairing screen: server address, pairing code and officer name."""

from __future__ import annotations

import flet as ft

from field_app.i18n import t
from field_app.state import AppState
from field_app.views.common import big_button, message_bar, page_frame, text_input


@ft.component
def PairView(state: AppState) -> ft.Control:
    """First screen on a new tablet: exchange the coordinator's code for a device token."""
    lang = state.lang
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
