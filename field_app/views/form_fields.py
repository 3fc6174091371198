"""How the form's inputs are wired to its guidance: each input is checked when it is
left, carries its warnings, and can be brought into view and focused when it holds the
first error (`Wiring`, passed to every section of the form)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import flet as ft

from field_app.form import EnrolmentForm


@dataclass
class Wiring:
    """The guidance of one render of the form: `refs` outlive renders (a `use_ref`)."""

    form: EnrolmentForm
    lang: str
    refs: dict[str, ft.Ref] = field(default_factory=dict)

    def __call__(self, key: str, name: str = "", member: int | None = None) -> dict[str, Any]:
        """`text_input` keywords for the input whose error key is `key`: `name` is the
        form attribute behind it (default `key`), `member` a family member's index."""
        form, lang = self.form, self.lang
        if member is None:
            attr = name or key

            def blur() -> None:
                form.leave(attr, lang)
        else:
            index, attr = member, name

            def blur() -> None:
                form.leave_member(index, attr, lang)

        return {
            "on_blur": blur,
            "ref": self.refs.setdefault(key, ft.Ref()),
            "key": key,
            "warnings": form.warning_texts(key, lang),
        }

    def focus_target(self, key: str) -> ft.Ref | None:
        """The input to focus for error key `key` (None: only scroll to it)."""
        return self.refs.get(key)
