"""The API (`sync_server/api`) and the desk (`sync_server/web`) never import each other:
what both use lives outside them (sync_server/dependencies.py, services, models)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SERVER = Path(__file__).resolve().parents[2] / "sync_server"


def imported_modules(path: Path) -> set[str]:
    """Every module `path` imports, absolute (relative imports resolved)."""
    package = ".".join(path.relative_to(SERVER.parent).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[: len(parts) - node.level + 1])
                base = f"{parent}.{base}" if base else parent
            found.add(base)
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize(("side", "other"), [("api", "web"), ("web", "api")])
def test_api_and_web_do_not_import_each_other(side: str, other: str) -> None:
    forbidden = f"sync_server.{other}"
    bad = [
        f"{path.relative_to(SERVER.parent)} imports {module}"
        for path in sorted((SERVER / side).rglob("*.py"))
        for module in sorted(imported_modules(path))
        if module == forbidden or module.startswith(forbidden + ".")
    ]
    assert not bad, "\n".join(bad)


def test_the_scan_sees_imports() -> None:
    # The scan itself finds a module and the names imported from it.
    path = SERVER / "web" / "deps.py"
    assert "sync_server.dependencies" in imported_modules(path)
    assert "sync_server.services.accounts.csrf_matches" in imported_modules(path)
