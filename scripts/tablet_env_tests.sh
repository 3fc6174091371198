#!/usr/bin/env bash
# The field app's tests against exactly what the tablet runs: .venv-tablet holds
# [project].dependencies as pinned (the versions `flet build apk` packages), pytest and
# hypothesis at the dev extra's pins, and nothing of the server; on Python 3.12, the
# Python the APK bundles, where this machine has it. Made anew whenever pyproject.toml
# changed (so a package dropped from the list is gone too), else reused.
# Called by ./test.sh; extra arguments go to pytest.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv-tablet"
STAMP="$VENV/.installed"
cd "$ROOT"

# Tests that need only enrolment/, field_app/ and the tablet's packages. Each must import
# and run here: a collection error or a skip fails this script.
TESTS=(
  tests/unit/test_tablet_dependencies.py
  tests/unit/test_tablet_imports.py
  tests/unit/test_store.py
  tests/unit/test_roster.py
  tests/unit/test_autosync.py
  tests/unit/test_lifecycle.py
  tests/unit/test_features.py
  tests/unit/test_form.py
  tests/unit/test_form_warnings.py
  tests/unit/test_navigation.py
  tests/unit/test_server_address.py
  tests/unit/test_today.py
  tests/unit/test_card_check.py
  tests/unit/test_card_revoked_state.py
  tests/unit/test_protocol.py
  tests/unit/test_reply_decoding.py
  tests/unit/test_pull_codec.py
  tests/unit/test_reconcile.py
  tests/unit/test_records.py
  tests/unit/test_nik.py
  tests/unit/test_contributions.py
  tests/unit/test_contribution_schedule.py
  tests/unit/test_segment_details.py
  tests/unit/test_segment_schema.py
  tests/unit/test_vault.py
  tests/unit/test_officers.py
  tests/unit/test_home_grouping.py
  tests/unit/test_store_encryption.py
  tests/unit/test_sign_in.py
  tests/unit/test_qr_reading.py
  tests/unit/test_platform_secret.py
  tests/unit/test_store_waiting.py
  tests/unit/test_store_activities.py
  tests/unit/test_store_search.py
  tests/unit/test_sync_pipeline.py
  tests/unit/test_activities_wire.py
  tests/unit/test_attendance_scan.py
)

find_python() {
  if [ -n "${TABLET_PYTHON:-}" ]; then echo "$TABLET_PYTHON"; return; fi
  if python3.12 -c '' 2>/dev/null; then echo python3.12; return; fi
  local found
  found="$(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12 2>/dev/null | tail -1)"
  if [ -n "$found" ]; then echo "$found"; return; fi
  echo "tablet tests: no Python 3.12 here, using python3 (the APK bundles 3.12)" >&2
  echo python3
}

if [ ! -f "$STAMP" ] || [ "$ROOT/pyproject.toml" -nt "$STAMP" ]; then
  PY="$(find_python)"
  echo "Making .venv-tablet ($("$PY" --version)) with the tablet's pinned runtime..."
  rm -rf "$VENV"
  "$PY" -m venv "$VENV"
  # The tablet's list, and the test tools at the dev extra's pins; never the project itself
  # (that would not add code: the tests import it from the repository root).
  "$VENV/bin/python" - "$ROOT/pyproject.toml" >"$VENV/requirements.txt" <<'EOF'
import re, sys, tomllib
project = tomllib.load(open(sys.argv[1], "rb"))["project"]
tools = [r for r in project["optional-dependencies"]["dev"]
         if re.match(r"(pytest|hypothesis)\s*==", r)]
assert len(tools) == 2, tools
print("\n".join(project["dependencies"] + tools))
EOF
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$VENV/requirements.txt"
  touch "$STAMP"
fi

# Nothing of the server's: no package of the server extra may be installed here.
"$VENV/bin/python" - "$ROOT/pyproject.toml" <<'EOF'
import importlib.metadata as md, sys, tomllib
from packaging.requirements import Requirement
server = tomllib.load(open(sys.argv[1], "rb"))["project"]["optional-dependencies"]["server"]
present = []
for line in server:
    try:
        present.append(f"{Requirement(line).name} {md.version(Requirement(line).name)}")
    except md.PackageNotFoundError:
        pass
assert not present, f".venv-tablet holds server packages: {present}"
EOF

REPORT="$VENV/report.xml"
"$VENV/bin/python" -m pytest -q -p no:cacheprovider -rs --junitxml="$REPORT" "${TESTS[@]}" "$@"
"$VENV/bin/python" - "$REPORT" <<'EOF'
import sys
import xml.etree.ElementTree as ET
skipped = sum(int(s.get("skipped", 0)) for s in ET.parse(sys.argv[1]).iter("testsuite"))
if skipped:
    sys.exit(f"tablet tests: {skipped} skipped; each chosen test must run in .venv-tablet")
EOF
