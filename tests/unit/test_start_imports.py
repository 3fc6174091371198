"""Issue 15: a server start and a CLI call load no heavy library they do not need.

A correctness guard, not a stopwatch (the figures are bench/server_start.py's): each
check imports in a fresh interpreter and looks at `sys.modules`, so a module-level
import of one of these coming back fails here, whatever the machine's speed.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

#: Loaded by the routes that draw or read files, inside the functions that need them.
DRAWING_AND_FILES = (
    "reportlab.pdfgen",  # card and report PDFs (reportlab's light units/pagesizes may load)
    "reportlab.pdfbase",
    "PIL",  # card PNG and text measuring (openpyxl's drawing module loads it too)
    "zxingcpp",  # card QR codes
    "qrcode",  # the pairing page's QR code
)
#: Loaded only when a migration has to run (sync_server.db.migrate).
MIGRATION = ("alembic", "mako", "pygments")
#: Still imported at the top by a file outside issue 15's change (see its report):
#: openpyxl, and numpy and pillow behind it, by services/education_figures.py (member
#: export and KPJ import load it late; the review route loads duplicates.py's numpy late).
REPORTED = ("openpyxl", "numpy")
#: Stands in for openpyxl while the other libraries are checked, so that what
#: education_figures.py pulls in through it does not hide an import of our own.
OPENPYXL_STUB = (
    "import sys, types\n"
    "sys.modules['openpyxl'] = types.SimpleNamespace(Workbook=None, load_workbook=None)\n"
)
BUILD_APP = (
    "import sync_server.main\n"
    "from sync_server.config import Settings\n"
    "import tempfile\n"
    "env = {'DATA_DIR': tempfile.mkdtemp(), 'SECRET_KEY': 'x' * 32}\n"
    "sync_server.main.create_app(Settings.from_env(env))\n"
)
#: Not for a command line call: the web app.
WEB_APP = ("fastapi", "starlette", "uvicorn", "jinja2")


def loaded_after(code: str) -> set[str]:
    """The module names in `sys.modules` after running `code` in a new interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def loaded(modules: set[str], name: str) -> bool:
    """True when package or module `name` (or anything inside it) was imported."""
    return any(m == name or m.startswith(name + ".") for m in modules)


@pytest.fixture(scope="module")
def app_modules() -> set[str]:
    """What `import sync_server.main` and building the app load (openpyxl stubbed)."""
    return loaded_after(OPENPYXL_STUB + BUILD_APP)


@pytest.mark.parametrize("name", (*DRAWING_AND_FILES, *MIGRATION, "numpy"))
def test_the_app_loads_no_heavy_library_at_import(app_modules: set[str], name: str) -> None:
    assert not loaded(app_modules, name), f"{name} is imported by sync_server.main again"


@pytest.mark.parametrize("name", REPORTED)
def test_the_app_loads_neither_openpyxl_nor_numpy_at_import(name: str) -> None:
    modules = loaded_after(BUILD_APP)
    assert not loaded(modules, name), f"{name} is imported by sync_server.main again"


def test_the_guard_sees_a_heavy_import() -> None:
    # The check itself must be able to fail: importing the PDF renderer loads reportlab.
    modules = loaded_after("import sync_server.services.progress_report_pdf")
    assert loaded(modules, "reportlab.pdfgen")


def test_a_cli_call_does_not_load_the_web_app() -> None:
    modules = loaded_after(
        "from sync_server.__main__ import _parser\n"
        "_parser().parse_args(['revoke-card', '1', '--reason', 'lost'])"
    )
    heavy = WEB_APP + DRAWING_AND_FILES + MIGRATION + REPORTED
    assert [name for name in heavy if loaded(modules, name)] == []
