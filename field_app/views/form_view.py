"""The enrolment form (step 1 of 2): identity, village, segment and its details,
family, income. Step 2 is the consent screen (consent_view)."""

from __future__ import annotations

import flet as ft

from enrolment import areas
from enrolment.fields import PLAIN_INPUTS
from enrolment.segments import Segment, segment_name
from field_app.features.enrolment_form import FormFlow
from field_app.form import EnrolmentForm
from field_app.i18n import t
from field_app.session import Session
from field_app.views.common import (
    big_button,
    error_text,
    message_bar,
    page_frame,
    panel,
    picker,
    radio_group,
    section,
    text_input,
)
from field_app.views.details_section import details_controls
from field_app.views.household_section import household_controls
from field_app.views.payment_section import payment_controls


def _identity(form: EnrolmentForm, lang: str) -> list[ft.Control]:
    err = form.errors
    return [
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
        section(
            t("sex", lang),
            err.get("sex"),
            radio_group(
                form.sex,
                [("M", t("sex_M", lang)), ("F", t("sex_F", lang))],
                lambda v: form.set("sex", v),
            ),
        ),
        ft.Row(
            [
                picker(
                    t("kecamatan", lang),
                    form.kecamatan,
                    [(a.code, a.name) for a in areas.kecamatan()],
                    lambda v: form.set("kecamatan", v),
                )
            ]
        ),
        ft.Row(
            [
                picker(
                    t("village", lang),
                    form.village_code,
                    [(a.code, a.name) for a in form.villages()],
                    lambda v: form.set("village_code", v),
                    error=err.get("village_code"),
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
        *_plain_inputs(form, lang),
    ]


#: Flet's keyboard for each of enrolment.fields.KEYBOARDS.
_KEYBOARDS = {
    "text": ft.KeyboardType.TEXT,
    "number": ft.KeyboardType.NUMBER,
    "datetime": ft.KeyboardType.DATETIME,
    "phone": ft.KeyboardType.PHONE,
}


def _plain_inputs(form: EnrolmentForm, lang: str) -> list[ft.Control]:
    """An input for each field the schema shows plainly (enrolment.fields.PLAIN_INPUTS)."""
    return [
        text_input(
            t(spec.attr, lang),
            form.plain.get(spec.attr, ""),
            lambda v, attr=spec.attr: form.set_plain(attr, v),
            error=form.errors.get(spec.attr),
            keyboard=_KEYBOARDS[spec.keyboard or "text"],
        )
        for spec in PLAIN_INPUTS
    ]


@ft.component
def FormView(flow: FormFlow, session: Session, form: EnrolmentForm) -> ft.Control:
    """Enrol one person (or a family), or correct records the server returned."""
    lang = session.lang
    err = form.errors
    segment = [
        section(
            t("segment", lang),
            err.get("segment"),
            radio_group(
                form.segment,
                [(s.value, segment_name(s, lang)) for s in Segment],
                lambda v: form.set("segment", v),
            ),
        ),
        *details_controls(form, lang),
    ]
    body: list[ft.Control] = [
        *([error_text(err["record"])] if "record" in err else []),
        *([error_text(err["consent"])] if "consent" in err else []),
        panel(t("section_identity", lang), _identity(form, lang)),
        panel(t("section_segment", lang), segment),
    ]
    if form.is_household():
        body.append(panel(t("section_household", lang), household_controls(form, lang)))
    body += [
        panel(t("section_payment", lang), payment_controls(form, lang)),
        message_bar(session.message),
        ft.Row([big_button(t("next_consent", lang), flow.review, icon=ft.Icons.ARROW_FORWARD)]),
        ft.ResponsiveRow(
            [
                ft.Container(
                    big_button(t("leave_form", lang), flow.leave_form, primary=False),
                    col={"xs": 12, "sm": 6},
                ),
                ft.Container(
                    big_button(t("discard_form", lang), flow.discard_form, primary=False),
                    col={"xs": 12, "sm": 6},
                ),
            ]
        ),
    ]
    return page_frame(
        t("form_title", lang), t("switch_lang", lang), lambda e: session.toggle_lang(), body
    )
