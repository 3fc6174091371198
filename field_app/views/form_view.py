"""The enrolment form (step 1 of 2): identity, village, segment and its details,
family, income. Step 2 is the consent screen (consent_view)."""

from __future__ import annotations

import contextlib

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
    confirm,
    error_text,
    message_bar,
    notice,
    page_frame,
    panel,
    picker_field,
    radio_group,
    section,
    text_input,
)
from field_app.views.details_section import details_controls
from field_app.views.form_fields import Wiring
from field_app.views.household_section import household_controls
from field_app.views.payment_section import payment_controls


def _identity(form: EnrolmentForm, lang: str, wire: Wiring) -> list[ft.Control]:
    err = form.errors
    return [
        text_input(
            t("nik", lang),
            form.nik,
            lambda v: form.set("nik", v),
            error=err.get("nik"),
            keyboard=ft.KeyboardType.NUMBER,
            **wire("nik"),
        ),
        *([notice(form.warning, "warning")] if form.warning else []),
        text_input(
            t("full_name", lang),
            form.full_name,
            lambda v: form.set("full_name", v),
            error=err.get("full_name"),
            **wire("full_name"),
        ),
        text_input(
            t("birth_date", lang),
            form.birth_date,
            lambda v: form.set("birth_date", v),
            error=err.get("birth_date"),
            keyboard=ft.KeyboardType.DATETIME,
            **wire("birth_date"),
        ),
        section(
            t("sex", lang),
            err.get("sex"),
            radio_group(
                form.sex,
                [("M", t("sex_M", lang)), ("F", t("sex_F", lang))],
                lambda v: form.set("sex", v),
            ),
            key="sex",
        ),
        picker_field(
            t("kecamatan", lang),
            form.kecamatan,
            [(a.code, a.name) for a in areas.kecamatan()],
            lambda v: form.set("kecamatan", v),
            key="kecamatan",
        ),
        picker_field(
            t("village", lang),
            form.village_code,
            [(a.code, a.name) for a in form.villages()],
            lambda v: form.set("village_code", v),
            error=err.get("village_code"),
            key="village_code",
            list_key=f"village-{form.kecamatan}",
        ),
        text_input(
            t("phone", lang),
            form.phone,
            lambda v: form.set("phone", v),
            error=err.get("phone"),
            keyboard=ft.KeyboardType.PHONE,
            **wire("phone"),
        ),
        *_plain_inputs(form, lang, wire),
    ]


#: Flet's keyboard for each of enrolment.fields.KEYBOARDS.
_KEYBOARDS = {
    "text": ft.KeyboardType.TEXT,
    "number": ft.KeyboardType.NUMBER,
    "datetime": ft.KeyboardType.DATETIME,
    "phone": ft.KeyboardType.PHONE,
}


def _plain_inputs(form: EnrolmentForm, lang: str, wire: Wiring) -> list[ft.Control]:
    """An input for each field the schema shows plainly (enrolment.fields.PLAIN_INPUTS)."""
    return [
        text_input(
            t(spec.attr, lang),
            form.plain.get(spec.attr, ""),
            lambda v, attr=spec.attr: form.set_plain(attr, v),
            error=form.errors.get(spec.attr),
            keyboard=_KEYBOARDS[spec.keyboard or "text"],
            **wire(spec.attr),
        )
        for spec in PLAIN_INPUTS
    ]


def _ask_discard(flow: FormFlow, lang: str):
    """Buang formulir asks first: Batal keeps the form, Buang throws it away."""

    def ask(e: ft.Event) -> None:
        confirm(
            e.page,
            title=t("discard_title", lang),
            body=t("discard_body", lang),
            yes=t("discard", lang),
            no=t("cancel", lang),
            on_yes=flow.discard_form,
        )

    return ask


def _use_first_error_focus(form: EnrolmentForm, wire: Wiring, scroll: ft.Ref) -> None:
    """After "Lanjut ke persetujuan" finds errors: scroll to the first and focus it."""

    async def bring_into_view() -> None:
        key = form.focus_key
        if not key or scroll.current is None:
            return
        # Not on screen (any more): nothing to bring into view.
        with contextlib.suppress(RuntimeError, TimeoutError, ValueError):
            await scroll.current.scroll_to(scroll_key=key, duration=250)
        form.focus_key = ""  # done: coming back to the form later does not jump again
        target = wire.focus_target(key)
        if target is not None and target.current is not None:
            with contextlib.suppress(RuntimeError, TimeoutError):
                await target.current.focus()

    ft.use_effect(bring_into_view, [form.focus_seq])


@ft.component
def FormView(flow: FormFlow, session: Session, form: EnrolmentForm) -> ft.Control:
    """Enrol one person (or a family), or correct records the server returned."""
    lang = session.lang
    err = form.errors
    refs = ft.use_ref(None)
    if refs.current is None:
        refs.current = {}
    scroll = ft.use_ref(None)
    wire = Wiring(form, lang, refs.current)
    _use_first_error_focus(form, wire, scroll)
    segment = [
        section(
            t("segment", lang),
            err.get("segment"),
            radio_group(
                form.segment,
                [(s.value, segment_name(s, lang)) for s in Segment],
                lambda v: form.set("segment", v),
            ),
            key="segment",
        ),
        *details_controls(form, lang, wire),
    ]
    body: list[ft.Control] = [
        *([ft.Container(error_text(err["record"]), key="record")] if "record" in err else []),
        *([ft.Container(error_text(err["consent"]), key="consent")] if "consent" in err else []),
        panel(t("section_identity", lang), _identity(form, lang, wire)),
        panel(t("section_segment", lang), segment),
    ]
    if form.is_household():
        body.append(panel(t("section_household", lang), household_controls(form, lang, wire)))
    body += [
        panel(t("section_payment", lang), payment_controls(form, lang, wire)),
        message_bar(session.message, session.message_kind),
        ft.Row([big_button(t("next_consent", lang), flow.review, icon=ft.Icons.ARROW_FORWARD)]),
        ft.ResponsiveRow(
            [
                ft.Container(
                    big_button(t("leave_form", lang), flow.leave_form, primary=False),
                    col={"xs": 12, "sm": 6},
                ),
                ft.Container(
                    big_button(t("discard_form", lang), _ask_discard(flow, lang), primary=False),
                    col={"xs": 12, "sm": 6},
                ),
            ]
        ),
    ]
    return page_frame(
        t("form_title", lang),
        t("switch_lang", lang),
        lambda e: session.toggle_lang(),
        body,
        scroll_ref=scroll,
    )
