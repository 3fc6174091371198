"""The family part of the form: KK number, relations, and the members enrolled along."""

from __future__ import annotations

import flet as ft

from enrolment.household import RELATIONS
from field_app.form import EnrolmentForm, MemberForm
from field_app.i18n import t
from field_app.views.common import TOUCH, picker_field, radio_group, section, text_input
from field_app.views.form_fields import Wiring


def _relations(lang: str) -> list[tuple[str, str]]:
    return [(k, names[lang]) for k, names in RELATIONS.items()]


def _member(form: EnrolmentForm, index: int, m: MemberForm, lang: str, wire: Wiring) -> ft.Control:
    n = index + 2  # the person enrolled in the form above is member 1
    err = m.errors

    def change(name: str):
        return lambda v: form.set_member(index, name, v)

    def wired(name: str) -> dict:
        return wire(f"members.{index}.{name}", name, member=index)

    header: list[ft.Control] = [
        ft.Text(t("member_title", lang, n=n), size=17, weight=ft.FontWeight.W_600, expand=True)
    ]
    if m.version == 0:  # saved members stay: removing one is a coordinator's decision
        header.append(
            ft.IconButton(
                ft.Icons.DELETE_OUTLINE,
                tooltip=t("remove_member", lang, n=n),
                on_click=lambda e: form.remove_member(index),
                width=TOUCH,
                height=TOUCH,
            )
        )
    return ft.Container(
        ft.Column(
            [
                ft.Row(header, vertical_alignment=ft.CrossAxisAlignment.CENTER),
                text_input(
                    t("member_nik", lang, n=n),
                    m.nik,
                    change("nik"),
                    error=err.get("nik"),
                    **wired("nik"),
                    keyboard=ft.KeyboardType.NUMBER,
                ),
                text_input(
                    t("member_name", lang, n=n),
                    m.full_name,
                    change("full_name"),
                    error=err.get("full_name"),
                    **wired("full_name"),
                ),
                text_input(
                    t("member_birth", lang, n=n),
                    m.birth_date,
                    change("birth_date"),
                    error=err.get("birth_date"),
                    **wired("birth_date"),
                    keyboard=ft.KeyboardType.DATETIME,
                ),
                section(
                    t("member_sex", lang, n=n),
                    err.get("sex"),
                    radio_group(
                        m.sex,
                        [("M", t("sex_M", lang)), ("F", t("sex_F", lang))],
                        change("sex"),
                    ),
                    key=f"members.{index}.sex",
                ),
                picker_field(
                    t("member_relation", lang, n=n),
                    m.relation,
                    _relations(lang),
                    change("relation"),
                    error=err.get("household.relation"),
                    key=f"members.{index}.household.relation",
                ),
            ],
            spacing=10,
            horizontal_alignment=ft.CrossAxisAlignment.STRETCH,
        ),
        padding=12,
        border_radius=10,
        border=ft.Border.all(1, ft.Colors.OUTLINE_VARIANT),
        bgcolor=ft.Colors.SURFACE,
        # A stable key per member: removing member 2 must not hand its inputs to member 3.
        key=m.client_id,
    )


def household_controls(form: EnrolmentForm, lang: str, wire: Wiring) -> list[ft.Control]:
    """KK, the anchor's relation, each family member, and the add button."""
    err = form.errors
    return [
        ft.Text(t("household_help", lang), size=15),
        text_input(
            t("kk", lang),
            form.kk,
            lambda v: form.set("kk", v),
            error=err.get("household.kk"),
            keyboard=ft.KeyboardType.NUMBER,
            **wire("household.kk", "kk"),
        ),
        picker_field(
            t("relation", lang),
            form.relation,
            _relations(lang),
            lambda v: form.set("relation", v),
            error=err.get("household.relation"),
            key="household.relation",
        ),
        *[_member(form, i, m, lang, wire) for i, m in enumerate(form.members)],
        ft.Row(
            [
                ft.OutlinedButton(
                    content=ft.Text(t("add_member", lang), size=18),
                    icon=ft.Icons.GROUP_ADD,
                    on_click=lambda e: form.add_member(),
                    height=TOUCH,
                    expand=True,
                )
            ]
        ),
    ]
