"""The segment-specific part of the form, drawn from `enrolment.segment_details`."""

from __future__ import annotations

import flet as ft

from enrolment.segment_details import DetailField, fields_for
from field_app.form import EnrolmentForm, format_date
from field_app.i18n import t
from field_app.views.common import notice, picker_field, radio_group, section, text_input
from field_app.views.form_fields import Wiring

_KEYBOARDS = {
    "date": ft.KeyboardType.DATETIME,
    "area": ft.KeyboardType.NUMBER,
    "money": ft.KeyboardType.NUMBER,
    "nib": ft.KeyboardType.NUMBER,
}


def _field(form: EnrolmentForm, spec: DetailField, lang: str, wire: Wiring) -> ft.Control:
    label = t(f"d_{spec.key}", lang)
    value = str(form.details.get(spec.key, ""))
    key = f"details.{spec.key}"
    error = form.errors.get(key)

    def change(v: str) -> None:
        form.set_detail(spec.key, v)

    if spec.kind == "choice":
        choices = [(c, t(f"c_{spec.key}_{c}", lang)) for c in spec.choices]
        if len(choices) <= 3:
            return section(label, error, radio_group(value, choices, change), key=key)
        return picker_field(label, value, choices, change, error=error, key=key)
    if spec.kind == "village":
        options = [(a.code, a.name) for a in form.villages()]
        # Keyed by kecamatan: a new kecamatan means a new list, not a stale selection.
        return picker_field(
            label,
            value,
            options,
            change,
            error=error,
            key=key,
            list_key=f"{spec.key}-{form.kecamatan}",
        )
    return text_input(
        label,
        value,
        change,
        error=error,
        keyboard=_KEYBOARDS.get(spec.kind, ft.KeyboardType.TEXT),
        **wire(key),
    )


def details_controls(form: EnrolmentForm, lang: str, wire: Wiring) -> list[ft.Control]:
    """The inputs of the chosen segment's own fields (none for some segments)."""
    controls = [_field(form, spec, lang, wire) for spec in fields_for(form.segment)]
    due = form.conversion_due()
    if due is not None:
        controls.append(
            notice(t("conversion_due", lang, date=format_date(due.isoformat())), "warning")
        )
    return controls
