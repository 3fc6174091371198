#!/usr/bin/env bash
# Start the whole system on this machine: the sync server (embedded SQLite,
# data in ./data/server) and the field app (a window on a desktop, else a
# browser tab), and print where to open them plus a pairing code for a tablet.
set -euo pipefail
cd "$(dirname "$0")"
source scripts/venv.sh server,desktop
PY=.venv/bin/python
SERVER_PORT="${SERVER_PORT:-8700}"
APP_PORT="${APP_PORT:-8550}"
export DATA_DIR="${DATA_DIR:-$PWD/data/server}"
export PUBLIC_BASE_URL="${PUBLIC_BASE_URL:-http://127.0.0.1:$SERVER_PORT}"
export FLET_APP_STORAGE_DATA="${FLET_APP_STORAGE_DATA:-$PWD/data/field_app}"

$PY -m sync_server migrate
$PY -m sync_server serve --host 0.0.0.0 --port "$SERVER_PORT" &
SERVER_PID=$!
FLET_SERVER_PORT="$APP_PORT" $PY -m field_app.main &
APP_PID=$!
trap 'kill $SERVER_PID $APP_PID 2>/dev/null; wait' EXIT INT TERM

wait_url() {  # wait_url URL PID NAME: until URL answers, or fail if PID died
  for _ in $(seq 1 120); do
    curl -sf "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { echo "ERROR: $3 failed to start (see its output above)" >&2; exit 1; }
    sleep 0.5
  done
  echo "ERROR: $3 did not answer at $1" >&2; exit 1
}
wait_url "http://127.0.0.1:$SERVER_PORT/healthz" $SERVER_PID "the sync server"
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  wait_url "http://127.0.0.1:$APP_PORT/" $APP_PID "the field app"
else
  sleep 3; kill -0 $APP_PID 2>/dev/null || { echo "ERROR: the field app failed to start" >&2; exit 1; }
fi
# The demo tablet works in Selong (52.03.07): its roster and card downloads cover that area.
CODE=$($PY -m sync_server pair --name "first tablet" --kecamatan 52.03.07)
# The desk's first administrator: made on the first run only, its password shown once
# (the server keeps only an argon2 hash of it).
ADMIN_PW=$($PY -c "import secrets; print(secrets.token_urlsafe(12))")
if echo "$ADMIN_PW" | $PY -m sync_server create-admin admin --display-name Administrator \
    --password-stdin 2>/dev/null; then
  DESK_LOGIN="user admin, password $ADMIN_PW  (shown once: note it now)"
else
  DESK_LOGIN="user admin (password shown on the first run; more accounts under Akun)"
fi
cat <<MSG

  Sync server ........ http://127.0.0.1:$SERVER_PORT   (data: $DATA_DIR)
  Field app .......... http://127.0.0.1:$APP_PORT   (or its desktop window)
  Pairing code ....... $CODE   (server address: http://127.0.0.1:$SERVER_PORT)
  Coordinator's desk . http://127.0.0.1:$SERVER_PORT/desk   ($DESK_LOGIN)

  More pairing codes:  .venv/bin/python -m sync_server pair --kecamatan 52.03.07
  Stop with Ctrl-C.
MSG
wait
