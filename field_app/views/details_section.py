"""The segment-specific part of the form, drawn from `enrolment.segment_details`."""

from __future__ import annotations

import flet as ft

from enrolment.segment_details import DetailField, fields_for
from field_app.form import EnrolmentForm, format_date
from field_app.i18n import t
from field_app.views.common import picker, radio_group, section, text_input

_KEYBOARDS = {
    "date": ft.KeyboardType.DATETIME,
    "area": ft.KeyboardType.NUMBER,
    "money": ft.KeyboardType.NUMBER,
    "nib": ft.KeyboardType.NUMBER,
}


def _field(form: EnrolmentForm, spec: DetailField, lang: str) -> ft.Control:
    label = t(f"d_{spec.key}", lang)
    value = str(form.details.get(spec.key, ""))
    error = form.errors.get(f"details.{spec.key}")

    def change(v: str) -> None:
        form.set_detail(spec.key, v)

    if spec.kind == "choice":
        choices = [(c, t(f"c_{spec.key}_{c}", lang)) for c in spec.choices]
        if len(choices) <= 3:
            return section(label, error, radio_group(value, choices, change))
        return ft.Row([picker(label, value, choices, change, error=error)])
    if spec.kind == "village":
        options = [(a.code, a.name) for a in form.villages()]
        # Keyed by kecamatan: a new kecamatan means a new list, not a stale selection.
        return ft.Row(
            [picker(label, value, options, change, error=error)],
            key=f"{spec.key}-{form.kecamatan}",
        )
    return text_input(
        label, value, change, error=error, keyboard=_KEYBOARDS.get(spec.kind, ft.KeyboardType.TEXT)
    )


def details_controls(form: EnrolmentForm, lang: str) -> list[ft.Control]:
    """The inputs of the chosen segment's own fields (none for some segments)."""
    controls = [_field(form, spec, lang) for spec in fields_for(form.segment)]
    due = form.conversion_due()
    if due is not None:
        controls.append(
            ft.Container(
                ft.Text(t("conversion_due", lang, date=format_date(due.isoformat())), size=16),
                bgcolor=ft.Colors.AMBER_50,
                padding=10,
                border_radius=8,
            )
        )
    return controls
