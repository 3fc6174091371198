"""Income, who pays, and the monthly contribution it implies (from the rates file)."""

from __future__ import annotations

import flet as ft

from enrolment.contributions import FUNDING_SOURCES, format_rupiah
from field_app.form import EnrolmentForm
from field_app.i18n import t
from field_app.views.common import check_row, picker_field, text_input
from field_app.views.form_fields import Wiring


def payment_controls(form: EnrolmentForm, lang: str, wire: Wiring) -> list[ft.Control]:
    """Income and funding inputs, the JHT choice, and the computed contribution."""
    err = form.errors
    controls: list[ft.Control] = [
        text_input(
            t("income", lang),
            form.income,
            lambda v: form.set("income", v),
            error=err.get("income"),
            keyboard=ft.KeyboardType.NUMBER,
            **wire("income"),
        ),
        picker_field(
            t("funding", lang),
            form.funding,
            [(k, names[lang]) for k, names in FUNDING_SOURCES.items()],
            lambda v: form.set("funding", v),
            error=err.get("funding"),
            key="funding",
        ),
        check_row(t("jht", lang), form.jht, lambda v: form.set("jht", v)),
        ft.Text(t("jht_help", lang), size=14),
    ]
    due = form.contribution()
    if due is not None:
        jht = f" + JHT {format_rupiah(due.jht)}" if due.jht else ""
        lines = [
            ft.Text(
                t(
                    "contribution",
                    lang,
                    jkk=format_rupiah(due.jkk),
                    jkm=format_rupiah(due.jkm),
                    jht=jht,
                    total=format_rupiah(due.total),
                ),
                size=17,
                weight=ft.FontWeight.W_600,
            )
        ]
        if form.is_household() and form.members:
            each = form.member_contribution().total
            n = len(form.members) + 1
            lines.append(
                ft.Text(
                    t(
                        "contribution_family",
                        lang,
                        each=format_rupiah(each),
                        n=n,
                        total=format_rupiah(due.total + each * len(form.members)),
                    ),
                    size=15,
                )
            )
        controls.append(
            ft.Container(
                ft.Column(lines, spacing=4),
                bgcolor=ft.Colors.GREEN_50,
                padding=12,
                border_radius=8,
            )
        )
    return controls
