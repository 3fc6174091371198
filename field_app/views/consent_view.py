"""Step 2 of an enrolment: the person's consent under UU PDP 27/2022, in plain words,
recorded with who consented, how, and when; then the records are saved."""

from __future__ import annotations

import flet as ft

from field_app.features.enrolment_form import FormFlow
from field_app.form import EnrolmentForm
from field_app.i18n import t
from field_app.session import Session
from field_app.views.common import (
    big_button,
    check_row,
    error_text,
    message_bar,
    notice,
    page_frame,
    radio_group,
    section,
    text_input,
)


def _warnings(form: EnrolmentForm, lang: str) -> list[ft.Control]:
    """The form's warnings once more, to read with the person before they consent."""
    texts = [w.text(lang) for w in form.warnings()]
    if form.warning:
        texts.append(form.warning)
    if not texts:
        return []
    return [
        ft.Text(t("fw_heading", lang), size=17, weight=ft.FontWeight.W_600),
        *(notice(text, "warning") for text in texts),
        ft.Text(t("fw_go_on", lang), size=15),
    ]


def _para(heading: str, text: str) -> ft.Control:
    return ft.Column(
        [ft.Text(heading, size=17, weight=ft.FontWeight.W_600), ft.Text(text, size=17)],
        spacing=2,
    )


@ft.component
def ConsentView(flow: FormFlow, session: Session, form: EnrolmentForm) -> ft.Control:
    """What the data is for, what is kept, the person's rights; then their consent."""
    lang = session.lang
    names = ", ".join(
        [
            form.full_name.strip(),
            *(m.full_name.strip() for m in form.members if form.is_household()),
        ]
    )
    statement = ft.Container(
        ft.Column(
            [
                ft.Text(t("consent_intro", lang), size=15, italic=True),
                _para(t("consent_purpose_h", lang), t("consent_purpose", lang)),
                _para(t("consent_kept_h", lang), t("consent_kept", lang)),
                _para(t("consent_rights_h", lang), t("consent_rights", lang)),
                ft.Text(
                    t("consent_summary", lang, names=names), size=17, weight=ft.FontWeight.BOLD
                ),
            ],
            spacing=12,
        ),
        padding=14,
        border_radius=12,
        bgcolor=ft.Colors.SURFACE_CONTAINER_HIGH,
    )
    return page_frame(
        t("consent_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        [
            *_warnings(form, lang),
            statement,
            text_input(t("consent_by", lang), form.consent_by, lambda v: form.set("consent_by", v)),
            section(
                t("consent_how", lang),
                None,
                radio_group(
                    form.consent_method,
                    [
                        ("ticked", t("consent_ticked", lang)),
                        ("read_aloud", t("consent_read_aloud", lang)),
                    ],
                    lambda v: form.set("consent_method", v),
                ),
            ),
            check_row(
                t("consent_check", lang), form.consent, lambda v: form.set("consent", v), bold=True
            ),
            *([error_text(form.errors["consent"])] if "consent" in form.errors else []),
            message_bar(session.message, session.message_kind),
            ft.ResponsiveRow(
                [
                    ft.Container(
                        big_button(
                            t("back_to_form", lang), lambda e: flow.back_to_form(), primary=False
                        ),
                        col={"xs": 12, "sm": 6},
                    ),
                    ft.Container(
                        big_button(t("save", lang), flow.save, icon=ft.Icons.SAVE),
                        col={"xs": 12, "sm": 6},
                    ),
                ]
            ),
        ],
    )
