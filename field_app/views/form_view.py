"""The enrolment form: identity, village, segment and consent."""

from __future__ import annotations

import flet as ft

from enrolment import areas
from enrolment.segments import Segment, segment_name
from field_app.form import EnrolmentForm
from field_app.i18n import t
from field_app.state import AppState
from field_app.views.common import TEXT, big_button, message_bar, page_frame, text_input


def _picker(label: str, value: str, options: list[areas.Area], on_pick, error: str | None):
    # Editable with a filter: on a long list the officer types a few letters.
    return ft.Dropdown(
        label=label,
        value=value or None,
        options=[ft.DropdownOption(key=a.code, text=a.name) for a in options],
        on_select=lambda e: on_pick(e.control.value or ""),
        editable=True,
        enable_filter=True,
        expand=True,
        menu_height=400,
        error_text=error or None,
        text_size=TEXT,
    )


def _radio_group(value: str, choices: list[tuple[str, str]], on_change) -> ft.Control:
    return ft.RadioGroup(
        value=value or None,
        on_change=lambda e: on_change(e.control.value or ""),
        content=ft.Column(
            [
                ft.Radio(value=k, label=label, label_style=ft.TextStyle(size=TEXT))
                for k, label in choices
            ],
            spacing=0,
        ),
    )


def _section(title: str, error: str | None, body: ft.Control) -> ft.Control:
    items: list[ft.Control] = [ft.Text(title, size=16, weight=ft.FontWeight.W_600), body]
    if error:
        items.append(ft.Text(error, color=ft.Colors.ERROR, size=14))
    return ft.Column(items, spacing=4)


@ft.component
def FormView(state: AppState, form: EnrolmentForm) -> ft.Control:
    """Enrol one person, or correct a record the server returned."""
    lang = state.lang
    err = form.errors
    consent = ft.Container(
        ft.Column(
            [
                ft.Text(t("consent_title", lang), size=16, weight=ft.FontWeight.W_600),
                ft.Text(t("consent_text", lang), size=15),
                ft.Checkbox(
                    label=t("consent_check", lang),
                    value=form.consent,
                    label_style=ft.TextStyle(size=TEXT),
                    on_change=lambda e: form.set("consent", bool(e.control.value)),
                ),
                _radio_group(
                    form.consent_method,
                    [
                        ("ticked", t("consent_ticked", lang)),
                        ("read_aloud", t("consent_read_aloud", lang)),
                    ],
                    lambda v: form.set("consent_method", v),
                ),
                *(
                    [ft.Text(err["consent"], color=ft.Colors.ERROR, size=14)]
                    if "consent" in err
                    else []
                ),
            ],
            spacing=6,
        ),
        padding=12,
        border_radius=10,
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
    )
    return page_frame(
        t("form_title", lang),
        t("switch_lang", lang),
        lambda e: state.toggle_lang(),
        [
            *([ft.Text(err["record"], color=ft.Colors.ERROR)] if "record" in err else []),
            text_input(
                t("nik", lang),
                form.nik,
                lambda v: form.set("nik", v),
                error=err.get("nik"),
                keyboard=ft.KeyboardType.NUMBER,
            ),
            *([ft.Text(form.warning, color=ft.Colors.ORANGE_900, size=15)] if form.warning else []),
            text_input(
                t("full_name", lang),
                form.full_name,
                lambda v: form.set("full_name", v),
                error=err.get("full_name"),
            ),
            text_input(
                t("birth_date", lang),
                form.birth_date,
                lambda v: form.set("birth_date", v),
                error=err.get("birth_date"),
                keyboard=ft.KeyboardType.DATETIME,
            ),
            _section(
                t("sex", lang),
                err.get("sex"),
                _radio_group(
                    form.sex,
                    [("M", t("sex_M", lang)), ("F", t("sex_F", lang))],
                    lambda v: form.set("sex", v),
                ),
            ),
            ft.Row(
                [
                    _picker(
                        t("kecamatan", lang),
                        form.kecamatan,
                        areas.kecamatan(),
                        lambda v: form.set("kecamatan", v),
                        None,
                    )
                ]
            ),
            ft.Row(
                [
                    _picker(
                        t("village", lang),
                        form.village_code,
                        form.villages(),
                        lambda v: form.set("village_code", v),
                        err.get("village_code"),
                    )
                ],
                key=f"village-{form.kecamatan}",
            ),
            text_input(
                t("phone", lang),
                form.phone,
                lambda v: form.set("phone", v),
                error=err.get("phone"),
                keyboard=ft.KeyboardType.PHONE,
            ),
            _section(
                t("segment", lang),
                err.get("segment"),
                _radio_group(
                    form.segment,
                    [(s.value, segment_name(s, lang)) for s in Segment],
                    lambda v: form.set("segment", v),
                ),
            ),
            consent,
            message_bar(state.message),
            ft.Row(
                [
                    big_button(t("cancel", lang), lambda e: state.go_home(), primary=False),
                    big_button(t("save", lang), state.save, icon=ft.Icons.SAVE),
                ]
            ),
        ],
    )
