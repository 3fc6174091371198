"""What goes on the tablet imports nothing of the server's: `flet build apk` packages
field_app/ and enrolment/ with only [project].dependencies beside them."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVER_ONLY = (
    "sync_server", "fastapi", "starlette", "sqlmodel", "sqlalchemy", "pydantic",
    "uvicorn", "alembic", "psycopg", "jinja2", "argon2", "rapidfuzz", "openpyxl",
    "reportlab", "zxingcpp",
)  # fmt: skip

PROBE = """
import importlib, importlib.abc, pkgutil, sys
BLOCKED = set(sys.argv[1].split(","))

class Block(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in BLOCKED:
            raise ImportError(f"server-only module imported on the tablet: {name}")
        return None

sys.meta_path.insert(0, Block())
for package in ("enrolment", "field_app"):
    root = importlib.import_module(package)
    for info in pkgutil.walk_packages(root.__path__, package + "."):
        importlib.import_module(info.name)
print("ok")
"""


def test_tablet_code_imports_no_server_package() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, ",".join(SERVER_ONLY)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-2000:]
