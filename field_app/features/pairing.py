"""Pairing this tablet with the server, with the code from the coordinator."""

from __future__ import annotations

import asyncio
import platform
from dataclasses import dataclass

import flet as ft

from enrolment.pairing_qr import read_pairing_payload
from field_app import sync_client
from field_app.features.sign_in import pin_problem
from field_app.i18n import t
from field_app.server_address import check_server_address
from field_app.session import Session

DEFAULT_SERVER = "http://127.0.0.1:8700"  # the demo server of ./run.sh


@ft.observable
@dataclass
class PairingInputs:
    """What the pairing screen's fields hold (kept with `ft.use_state` by the screen)."""

    server_url: str = DEFAULT_SERVER
    pairing_code: str = ""
    officer: str = ""
    pin: str = ""  # the officer's PIN, typed twice: from the first pairing data is encrypted
    pin_again: str = ""

    def set(self, name: str, value: str) -> None:
        """One field changed."""
        setattr(self, name, value)


async def pair(session: Session, inputs: PairingInputs) -> None:
    """Pair this tablet with the server using the code from the coordinator.

    The address must be https:// (plain http:// only for a server on this device):
    the token and every record would otherwise cross the network in clear.
    """
    address = check_server_address(inputs.server_url)
    problem = address.message(session.lang) if not address.ok else _pin_problem(session, inputs)
    if problem:
        session.say(problem, "error")
        return
    session.busy = True
    session.say(t("pairing", session.lang))
    officer = inputs.officer.strip()
    device_name = f"{officer or 'tablet'} ({platform.node() or 'android'})"
    try:
        device_id, token = await asyncio.to_thread(
            sync_client.pair, address.url, inputs.pairing_code, device_name, officer
        )
    except sync_client.SyncError as exc:
        session.busy = False
        session.say(_pairing_error(exc, session.lang), "error")
        return
    if not session.store.protected:
        # The first officer creates the data key: the token below is written sealed.
        await asyncio.to_thread(session.store.add_officer, officer, inputs.pin)
    await asyncio.to_thread(
        session.store.set_settings,
        server_url=address.url,
        device_id=device_id,
        device_token=token,
        officer=officer,
    )
    session.busy, inputs.pairing_code, inputs.pin, inputs.pin_again = False, "", "", ""
    session.show("home", t("paired_ok", session.lang), "success")


def fill_from_qr(session: Session, inputs: PairingInputs, text: str) -> None:
    """Fill the address and the code from the desk's pairing QR (any other QR is named
    for what it is not, and changes nothing)."""
    found = read_pairing_payload(text)
    if found is None:
        session.say(t("scan_not_pairing", session.lang), "error")
        return
    inputs.server_url, inputs.pairing_code = found.server, found.code
    session.say(t("scan_pairing_read", session.lang), "success")


def asks_pin(session: Session) -> bool:
    """The pairing screen asks a PIN unless the tablet has officers already (pairing
    again, e.g. after a revocation: the officers and their PINs stay)."""
    return not session.store.protected


def _pin_problem(session: Session, inputs: PairingInputs) -> str:
    """What stops pairing with this officer and PIN ("" if nothing). A first pairing
    needs both: the token and every record are then sealed from the start, and no
    tablet leaves pairing with its data open to whoever holds it."""
    if not asks_pin(session):
        return ""
    if not inputs.officer.strip():
        return t("officer_name_needed", session.lang)
    return pin_problem(inputs.pin, inputs.pin_again, session.lang)


def _pairing_error(exc: sync_client.SyncError, lang: str) -> str:
    """The officer's message for a failed pairing (a throttled one says to wait)."""
    if exc.kind == "pairing_invalid" and exc.detail == "too_many_attempts":
        return t("err_pairing_throttled", lang)
    return t(f"err_{exc.kind}", lang)
