"""Who commits: the unit of work, and a short list of documented exceptions.

A request's writes are committed by its unit of work (sync_server/dependencies.py,
through db.unit_of_work) when the route returns, before the response is sent; services
and routes only write. This test fails when a `.commit()` appears anywhere else under
sync_server/services, sync_server/api or sync_server/web.
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVER = Path(__file__).resolve().parents[2] / "sync_server"

# (file, function): the only places under services/, api/ and web/ that may commit.
ALLOWED = {
    # The unit of work itself, and a request's explicit checkpoint of it.
    ("db.py", "unit_of_work"),
    ("dependencies.py", "checkpoint"),
    # Ingest commits a batch before it signs its cards, through the write queue: on
    # SQLite a group of batches in one commit (WriteQueue), elsewhere each alone.
    ("services/write_queue.py", "WriteQueue"),
    ("services/write_queue.py", "_alone"),
    # Startup (and the signing-key race between workers): the key and the server's
    # settings are created before any request, each committed as soon as it exists.
    ("services/signing.py", "load_or_create_signer"),
    ("services/server_settings.py", "load_or_create"),
}
SCANNED = ("services", "api", "web", "db.py", "dependencies.py")


def commits(path: Path) -> list[tuple[str, int]]:
    """(enclosing top-level function, line) of every `.commit()` call in `path`."""
    found: list[tuple[str, int]] = []
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for top in tree.body:
        name = getattr(top, "name", "<module>")
        for node in ast.walk(top):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "commit"
            ):
                found.append((name, node.lineno))
    return found


def test_only_the_unit_of_work_commits() -> None:
    bad = []
    for folder in SCANNED:
        where = SERVER / folder
        for path in sorted(where.rglob("*.py")) if where.is_dir() else [where]:
            rel = path.relative_to(SERVER).as_posix()
            for function, line in commits(path):
                if (rel, function) not in ALLOWED:
                    bad.append(f"sync_server/{rel}:{line} commits (in {function})")
    assert not bad, "commit in the request's unit of work instead:\n" + "\n".join(bad)


def test_every_listed_exception_still_commits() -> None:
    # The list stays honest: an exception that no longer commits is taken off it.
    for rel, function in ALLOWED:
        assert function in {f for f, _ in commits(SERVER / rel)}, (rel, function)
