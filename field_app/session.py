"""The session: who is paired, the language, which screen shows, the status line.

Small on purpose: each feature keeps its own observable (features/), and the screens
re-render only for the state they show.
"""

from __future__ import annotations

from dataclasses import dataclass

import flet as ft

from field_app.store import Store


@ft.observable
@dataclass
class Session:
    """What every screen shares."""

    store: Store
    lang: str = "id"
    # sign_in | pair | home | form | consent | card | verify | add_officer (navigation.py)
    screen: str = "home"
    message: str = ""  # the last action's outcome, shown under the buttons
    # How it is shown: error (red), warning (amber), success (green) or info.
    message_kind: str = "info"
    busy: bool = False  # pairing or a tapped sync under way

    def __post_init__(self) -> None:
        # Works while locked: a protected tablet starts at the sign-in screen, paired or not.
        if self.store.locked:
            self.screen = "sign_in"
        else:
            self.screen = "home" if self.store.has_setting("device_token") else "pair"

    @property
    def server_address(self) -> str:
        """The paired server's base URL."""
        return self.store.get_setting("server_url")

    @property
    def officer(self) -> str:
        """The officer this tablet was paired for."""
        return self.store.get_setting("officer")

    def toggle_lang(self) -> None:
        """Switch between Bahasa Indonesia and English."""
        self.lang = "en" if self.lang == "id" else "id"
        self.say("")

    def say(self, message: str, kind: str = "info") -> None:
        """Put `message` on the status line, shown as `kind` (error, warning, success,
        info)."""
        self.message, self.message_kind = message, kind

    def show(self, screen: str, message: str = "", kind: str = "info") -> None:
        """Go to `screen` with `message` on its status line."""
        self.screen = screen
        self.say(message, kind)
