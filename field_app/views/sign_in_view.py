"""The sign-in screen (pick your name, type your PIN) and the add-officer screen."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from field_app.features.sign_in import NewOfficer, SignIn
from field_app.i18n import t
from field_app.officers import Officer
from field_app.session import Session
from field_app.views.common import TEXT, big_button, bind, error_text, page_frame


def pin_input(label: str, value: str, on_change: Callable[[str], Any], **extra: Any) -> ft.Control:
    """A PIN box: digits only, hidden as typed."""
    return ft.TextField(
        label=label,
        value=value,
        on_change=bind(on_change, lambda e: e.control.value),
        keyboard_type=ft.KeyboardType.NUMBER,
        password=True,
        can_reveal_password=True,
        input_filter=ft.NumbersOnlyInputFilter(),
        text_size=TEXT,
        **extra,
    )


def _officer_button(officer: Officer, picked: bool, form: SignIn) -> ft.Control:
    """One name to tap: a whole-width button, filled when picked."""
    cls = ft.FilledButton if picked else ft.OutlinedButton
    return cls(
        content=ft.Text(officer.name, size=20),
        icon=ft.Icons.CHECK_CIRCLE if picked else ft.Icons.PERSON,
        on_click=lambda e: form.pick(officer.officer_id),
        height=64,
        expand=True,
    )


@ft.component
def SignInView(session: Session, form: SignIn, unlock: Callable[..., Any]) -> ft.Control:
    """Who are you (a large button per officer), your PIN, Unlock."""
    lang = session.lang

    async def submit(e: ft.Event) -> None:
        await unlock()

    names = [
        ft.Row([_officer_button(o, o.officer_id == form.officer_id, form)]) for o in form.officers
    ]
    body: list[ft.Control] = [
        ft.Text(t("sign_in_help", lang), size=16),
        *names,
    ]
    if form.officer_id:
        body.append(
            pin_input(t("pin", lang), form.pin, form.set_pin, autofocus=True, on_submit=submit)
        )
        body.append(
            ft.Row(
                [
                    big_button(
                        t("unlock_button", lang),
                        submit,
                        icon=ft.Icons.LOCK_OPEN,
                        disabled=form.busy,
                    )
                ]
            )
        )
    if form.busy:
        body.append(ft.ProgressBar())
    if form.error:
        body.append(error_text(form.error))
    if session.message:
        body.append(ft.Text(session.message, size=15))
    return page_frame(
        t("sign_in_title", lang), t("switch_lang", lang), lambda e: session.toggle_lang(), body
    )


@ft.component
def AddOfficerView(
    session: Session,
    form: NewOfficer,
    save: Callable[..., Any],
    first: bool,
    cancel: Callable[[], None],
) -> ft.Control:
    """Another officer for this shared tablet (name, PIN twice); on a tablet without
    officers, the first PIN, which encrypts what is stored."""
    lang = session.lang

    async def submit(e: ft.Event) -> None:
        await save()

    body: list[ft.Control] = [
        ft.Text(t("set_pin_help" if first else "add_officer_help", lang), size=16),
        ft.TextField(
            label=t("officer_name", lang),
            value=form.name,
            on_change=bind(lambda v: form.set("name", v), lambda e: e.control.value),
            text_size=TEXT,
        ),
        pin_input(t("pin_new", lang), form.pin, lambda v: form.set("pin", v)),
        pin_input(t("pin_again", lang), form.pin_again, lambda v: form.set("pin_again", v)),
        ft.ResponsiveRow(
            [
                ft.Container(
                    big_button(t("save_officer", lang), submit, disabled=form.busy),
                    col={"xs": 12, "sm": 6},
                ),
                ft.Container(
                    big_button(
                        t("cancel", lang), lambda e: cancel(), primary=False, disabled=form.busy
                    ),
                    col={"xs": 12, "sm": 6},
                ),
            ]
        ),
    ]
    if form.busy:
        body += [ft.ProgressBar(), ft.Text(t("encrypting" if first else "saving", lang), size=15)]
    if form.error:
        body.append(error_text(form.error))
    title = t("set_pin_title" if first else "add_officer_title", lang)
    return page_frame(title, t("switch_lang", lang), lambda e: session.toggle_lang(), body)
