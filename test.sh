#!/usr/bin/env bash
# Run every test: unit, server over real HTTP (SQLite and PostgreSQL), sync
# client against the live server, and the field app in headless Chromium; first the
# field app's tests again in .venv-tablet, on exactly the tablet's pinned runtime.
# PostgreSQL: DATABASE_URL_PG (default postgresql+psycopg://root@127.0.0.1:5432/test).
# Extra arguments go to pytest, e.g. ./test.sh -k nik
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh server,desktop,dev
.venv/bin/ruff check .
.venv/bin/python scripts/check_code_shape.py
scripts/tablet_env_tests.sh
.venv/bin/python -m pytest "$@"
