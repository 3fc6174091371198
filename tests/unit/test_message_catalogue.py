"""The one message catalogue (enrolment/messages): every entry in both languages, no code
defined twice with different texts, and every code the source names is in it.

The scan reads the source (Python AST, Jinja templates) for calls that take a message
code as a string literal; a code built at run time (`t(f"d_{key}")`) is checked where
its parts are known (tests/unit/test_segment_schema.py for segment details).
"""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import jinja2
import jinja2.nodes
import pytest

from enrolment import messages
from enrolment.messages import ALIASES, LANGS, MESSAGES
from field_app.i18n import t

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("enrolment", "field_app", "sync_server")
TEMPLATES = ROOT / "sync_server" / "templates"

# callee name -> (index of the code among the positional arguments, the code's prefix in
# the catalogue, or prefixes when more than one audience shows it). Each is a call whose
# literal code (or the literals of `a if c else b`) is looked up in the catalogue.
CALLS: dict[str, tuple[int, str | tuple[str, ...]]] = {
    # lookups
    "t": (0, ""),
    "text": (0, ""),
    "texts": (0, ""),
    "slashed": (0, ""),
    "error_body": (0, ""),
    # the API's errors and what becomes one
    "ApiError": (1, ""),
    "error_response": (1, ""),
    "CardRefused": (1, ""),
    "PullError": (0, ""),
    "BatchError": (0, ("", "cards_")),  # the API's batch.pdf and the desk's Cards page
    "AreaError": (0, ""),
    # domain problems
    "problem": (1, ""),
    "Problem": (1, ""),
    # desk pages and what becomes a desk message
    "DeskError": (1, "desk_"),
    "error_page": (2, "desk_"),
    "AccountError": (0, "account_"),
    "ImportFileError": (0, "kpj_"),
    "RevocationError": (0, "cards_"),
    "DecisionError": (0, "review_"),
    "RateTableError": (0, "rate_"),  # services/rate_tables.py, shown on /desk/rates
    # card verification (the reason becomes verify_reason_<reason>)
    "CardTokenError": (0, "verify_reason_"),
    "Verification": (1, "verify_reason_"),
    # the tablet's sync errors (shown as t(f"err_{kind}"))
    "SyncError": (0, "err_"),
}
# Raised on a desk page only: the desk's texts alone.
DESK_ONLY = {"BatchError": "cards_"}
# Codes a caller maps to another message before any lookup.
REMAPPED = {("DecisionError", "not_found"): "desk_not_found"}  # web/routes/review.py
# Keyword arguments naming a catalogue entry for the texts (error_body's `message`).
MESSAGE_KEYWORDS = ("message",)


# Lookups are matched only where the module imports them from the catalogue (or the
# tablet's `t`): `self.text(...)` is Problem's method and sqlalchemy's `text(...)` is SQL.
LOOKUPS = ("t", "text", "texts", "slashed")
LOOKUP_MODULES = ("enrolment.messages", "field_app.i18n")


def _lookup_names(tree: ast.AST) -> tuple[set[str], set[str]]:
    """(names bound to a catalogue lookup, names bound to a catalogue module)."""
    functions: set[str] = set()
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in LOOKUP_MODULES:
            functions |= {a.asname or a.name for a in node.names if a.name in LOOKUPS}
        if isinstance(node, ast.ImportFrom) and node.module in ("enrolment", "field_app"):
            modules |= {a.asname or a.name for a in node.names if a.name in ("messages", "i18n")}
    return functions, modules


def _callee(node: ast.Call, functions: set[str], modules: set[str]) -> str:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id if func.id not in LOOKUPS or func.id in functions else ""
    if isinstance(func, ast.Attribute):
        if func.attr not in LOOKUPS:
            return func.attr
        owner = func.value
        if isinstance(owner, ast.Name) and owner.id in modules:
            return func.attr
    return ""


def _literals(node: ast.expr) -> list[str]:
    """The string literals an argument can be: a constant, or both arms of `a if c else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def codes_in_python(source: str, where: str = "<source>") -> list[tuple[str, str]]:
    """(catalogue code, where) for each call in `source` that names a literal code."""
    found: list[tuple[str, str]] = []
    tree = ast.parse(source)
    functions, modules = _lookup_names(tree)
    path = where.replace("\\", "/")
    if path.startswith("enrolment/messages/"):
        functions |= set(LOOKUPS)  # the catalogue's own module
    desk_page = path.startswith("sync_server/web/")
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _callee(node, functions, modules)
        if name in CALLS and len(node.args) > CALLS[name][0]:
            index, prefixes = CALLS[name]
            if desk_page and name in DESK_ONLY:
                prefixes = DESK_ONLY[name]
            for value in _literals(node.args[index]):
                for prefix in (prefixes,) if isinstance(prefixes, str) else prefixes:
                    code = REMAPPED.get((name, value), prefix + value)
                    found.append((code, f"{where}:{node.lineno} {name}"))
        for kw in node.keywords:
            value = kw.value
            if (
                kw.arg in MESSAGE_KEYWORDS
                and name in ("error_body", "error_response", "ApiError")
                and isinstance(value, ast.Constant)
                and isinstance(value.value, str)
            ):
                found.append((value.value, f"{where}:{node.lineno} {name}({kw.arg}=)"))
    return found


def codes_in_template(source: str, where: str = "<template>") -> list[tuple[str, str]]:
    """(code, where) for each `text('…')`, `texts('…')`, `slashed('…')` or `t('…')` call
    in a Jinja template."""
    tree = jinja2.Environment().parse(source)
    found: list[tuple[str, str]] = []
    for call in tree.find_all(jinja2.nodes.Call):
        callee, args = call.node, call.args
        if (
            isinstance(callee, jinja2.nodes.Name)
            and callee.name in LOOKUPS
            and args
            and isinstance(args[0], jinja2.nodes.Const)
            and isinstance(args[0].value, str)
        ):
            found.append((args[0].value, f"{where}:{call.lineno} {callee.name}"))
    return found


def source_codes() -> list[tuple[str, str]]:
    """Every literal code the project's source and templates name."""
    found: list[tuple[str, str]] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            rel = str(path.relative_to(ROOT))
            found += codes_in_python(path.read_text(encoding="utf-8"), rel)
    for path in sorted(TEMPLATES.rglob("*.html")):
        rel = str(path.relative_to(ROOT))
        found += codes_in_template(path.read_text(encoding="utf-8"), rel)
    return found


def missing(found: list[tuple[str, str]]) -> list[str]:
    return [f"{where}: {code!r}" for code, where in found if code not in MESSAGES]


# --- the catalogue itself ---------------------------------------------------------------


def test_every_entry_has_both_languages() -> None:
    assert LANGS == ("id", "en")
    for code, entry in MESSAGES.items():
        assert set(entry) == set(LANGS), code
        assert all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGS), code


def test_the_parts_merge_without_a_code_defined_twice_differently() -> None:
    parts = messages.PARTS
    merged = messages.merge(*parts)
    assert {**merged, **{a: merged[c] for a, c in ALIASES.items()}} == MESSAGES
    # No part repeats another's code, even with the same text: one place per message.
    seen: dict[str, int] = {}
    for i, part in enumerate(parts):
        for code in part:
            assert code not in seen, f"{code!r} is in two parts ({seen[code]} and {i})"
            seen[code] = i


def test_merge_refuses_a_conflict_and_an_empty_text() -> None:
    one = {"x": {"id": "satu", "en": "one"}}
    assert messages.merge(one, {"x": {"id": "satu", "en": "one"}}) == one  # same text: fine
    with pytest.raises(ValueError, match="defined twice"):
        messages.merge(one, {"x": {"id": "satu", "en": "another"}})
    with pytest.raises(ValueError, match="needs a text"):
        messages.merge({"y": {"id": "ada", "en": ""}})
    with pytest.raises(ValueError, match="needs a text"):
        messages.merge({"z": {"id": "ada"}})


def test_aliases_name_one_wording() -> None:
    for alias, code in ALIASES.items():
        assert MESSAGES[alias] == MESSAGES[code]
    # The tablet's pairing error and the API's reply say the same thing.
    assert t("err_pairing_invalid", "en") == messages.text("pairing_code_invalid", "en")


def test_text_formats_safely() -> None:
    assert messages.text("nik_length", "en", n=12) == "NIK must be 16 digits (it has 12)."
    assert messages.text("nik_length", "en") == "NIK must be 16 digits (it has {n})."  # kept
    assert messages.text("nik_length", "id", other=1) == "NIK harus 16 angka (sekarang {n})."
    assert messages.texts("not_found") == ("Tidak ditemukan.", "Not found.")
    assert messages.slashed("revoke_reason_lost") == "Hilang / Lost"
    assert messages.text("required", "xx") == messages.text("required", "id")  # Indonesian


def test_an_unknown_code_is_visible(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        assert messages.text("no_such_code_anywhere", "en") == "no_such_code_anywhere"
        assert t("no_such_label_anywhere", "id") == "no_such_label_anywhere"
    logged = caplog.text
    assert "no_such_code_anywhere" in logged and "no_such_label_anywhere" in logged


def test_segment_names_come_from_their_schema() -> None:
    from enrolment.segments import SEGMENTS, segment_name

    for spec in SEGMENTS:
        code = spec.code.value
        for lang in LANGS:
            assert messages.text(f"segment_{code}", lang) == segment_name(code, lang)


def test_t_reads_the_catalogue() -> None:
    assert t("save", "id") == "Simpan" and t("save", "en") == "Save"
    assert t("today", "en", n=3) == "Today: 3 enrolments"
    assert t("today", "en") == "Today: {n} enrolments"  # a missing parameter keeps the template


# --- every code the source names exists -------------------------------------------------


def test_every_code_the_source_names_is_in_the_catalogue() -> None:
    found = source_codes()
    assert not missing(found), "codes not in enrolment/messages:\n" + "\n".join(missing(found))


def test_the_scan_sees_the_calls_it_is_meant_to_check() -> None:
    found = source_codes()
    codes = {code for code, _ in found}
    # One of each kind, so the scan cannot pass by finding nothing.
    for code in (
        "save",
        "pairing_code_invalid",
        "desk_csrf",
        "nik_length",
        "kk_invalid",
        "not_reconcile",
        "verify_reason_unknown_card",
        "err_unreachable",
    ):
        assert code in codes, code
    assert len(codes) > 100


def test_the_scan_catches_a_planted_unknown_code() -> None:
    planted = """
from field_app.i18n import t
from enrolment.problems import problem
def view(lang):
    return t("label_nobody_defined", lang), t("save", lang)
def rule():
    raise ApiError(400, "api_code_nobody_defined")
def page():
    raise DeskError(404, "csrf")  # desk_csrf: defined
def bad():
    return problem("nik", "problem_nobody_defined")
def body():
    return error_body("body_too_large", message="message_nobody_defined", size="4 KB")
def either(flag):
    raise ApiError(400, "not_json" if flag else "either_nobody_defined")
"""
    not_messages = """
from sqlalchemy import text
def sql(session, problem_row):
    session.execute(text("SELECT 1"))  # SQL, not a message
    return problem_row.text("id")  # Problem's own method
"""
    assert codes_in_python(not_messages) == []
    assert codes_in_python("from enrolment import messages\nmessages.text('zz_nobody')") == [
        ("zz_nobody", "<source>:2 text")
    ]
    found = codes_in_python(planted, "planted.py")
    assert {c for c, _ in found} == {
        "label_nobody_defined",
        "save",
        "api_code_nobody_defined",
        "desk_csrf",
        "problem_nobody_defined",
        "body_too_large",
        "message_nobody_defined",
        "not_json",
        "either_nobody_defined",
    }
    assert sorted(m.split(": ", 1)[1] for m in missing(found)) == [
        "'api_code_nobody_defined'",
        "'either_nobody_defined'",
        "'label_nobody_defined'",
        "'message_nobody_defined'",
        "'problem_nobody_defined'",
    ]


def test_the_scan_catches_a_planted_unknown_code_in_a_template() -> None:
    planted = "<p>{{ text('desk_csrf', lang) }}</p><p>{{ texts('tpl_nobody_defined')[1] }}</p>"
    found = codes_in_template(planted, "planted.html")
    assert [c for c, _ in found] == ["desk_csrf", "tpl_nobody_defined"]
    assert missing(found) == ["planted.html:1 texts: 'tpl_nobody_defined'"]
