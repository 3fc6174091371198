"""Fail when the code's shape drifts: a function over cyclomatic complexity 15 (as
radon counts it, boolean operators included), or a module over 400 lines that does
not say at its top why it needs to be that long (a line containing "400 lines").

    .venv/bin/python scripts/check_code_shape.py      # run by ./test.sh
"""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("enrolment", "field_app", "sync_server")
MAX_COMPLEXITY = 15
MAX_LINES = 400
REASON_WITHIN = 20  # the reason must stand in the module's first lines


def problems() -> list[str]:
    """Every function or module that breaks a rule, as `path:line: what`."""
    found: list[str] = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue  # generated shape, never edited once released
            text = path.read_text(encoding="utf-8")
            rel = path.relative_to(ROOT)
            for block in cc_visit(text):
                if block.complexity > MAX_COMPLEXITY:
                    found.append(
                        f"{rel}:{block.lineno}: {block.name} has complexity"
                        f" {block.complexity} (at most {MAX_COMPLEXITY})"
                    )
            lines = text.splitlines()
            head = "\n".join(lines[:REASON_WITHIN])
            if len(lines) > MAX_LINES and f"{MAX_LINES} lines" not in head:
                found.append(
                    f"{rel}: {len(lines)} lines (at most {MAX_LINES} unless its first"
                    f" {REASON_WITHIN} lines say why, mentioning '{MAX_LINES} lines')"
                )
    return found


def main() -> int:
    """Print the problems; exit 1 if there are any."""
    found = problems()
    for line in found:
        print(line)
    print(f"code shape: {len(found)} problem(s)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
