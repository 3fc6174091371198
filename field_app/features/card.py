"""A synced member's card, and checking any card offline."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

import flet as ft

from enrolment.card_check import CardCheck, check_card, is_revoked_card
from enrolment.card_token import CardTokenError, b64d, split_token
from field_app.session import Session
from field_app.store import StoredEnrolment
from field_app.sync_client import PUBLIC_URL


@ft.observable
@dataclass
class ShownCard:
    """The card on the card screen (from local data: works offline)."""

    session: Session
    item: StoredEnrolment | None = None
    revoked: bool = False  # its serial was revoked (learnt at a pull)
    link_base: str = ""  # the server's public address: the QR links there
    valid: tuple[date, date] | None = None  # the card's validity, as its token says

    def open(self, item: StoredEnrolment) -> None:
        """Show a synced member's card."""
        if item.card_token:
            # One indexed lookup in the local file: quick enough for the UI thread.
            store = self.session.store
            self.revoked = is_revoked_card(item.card_token, store.is_revoked)
            # The printed card's link (PUBLIC_BASE_URL, learnt at pulls), not the address
            # this tablet reaches the server by; before any pull, the latter.
            self.link_base = store.get_setting(PUBLIC_URL) or self.session.server_address
            self.valid = _validity(item.card_token)
            self.item = item
            self.session.show("card")


def _validity(token: str) -> tuple[date, date] | None:
    """The dates a card's token says it is valid between (the token was verified when it
    arrived; here it is only read)."""
    try:
        claims = split_token(token).claims
    except CardTokenError:
        return None
    return claims.issued, claims.expires


@ft.observable
@dataclass
class QrText:
    """The QR text typed or scanned on the card-check screen."""

    text: str = ""

    def set(self, text: str) -> None:
        """The text changed (a verdict given for the old text no longer shows)."""
        self.text = text


@ft.observable
@dataclass
class CardChecker:
    """The card-check screen's verdict (the QR text itself is the screen's input)."""

    session: Session
    checked_text: str = ""
    result: CardCheck | None = None

    def open(self) -> None:
        """Open the card-check screen with no verdict."""
        self.checked_text, self.result = "", None
        self.session.show("verify")

    def verdict_for(self, text: str) -> CardCheck | None:
        """The verdict, if it was given for `text` (a changed text has none yet)."""
        return self.result if text == self.checked_text else None

    async def verify(self, text: str) -> None:
        """Judge the typed or scanned QR text with the keys cached at the last sync."""
        store = self.session.store

        def run() -> CardCheck:
            keys = {kid: b64d(x) for kid, x in store.public_keys().items()}
            return check_card(text, keys, store.is_revoked, date.today())

        result = await asyncio.to_thread(run)
        self.checked_text, self.result = text, result
