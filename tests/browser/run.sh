#!/usr/bin/env bash
# Runs the browser walkthrough against a real `sagsflow serve` on 127.0.0.1:
# a fresh SQLite installation with the example municipality and every
# first-party plugin, tokens from `sagsflow token issue`, Debian chromium.
#   tests/browser/run.sh BUILD_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: run.sh BUILD_DIR}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
[ -x /usr/bin/chromium ] || { echo "Debian chromium is not installed (./scripts/test installs it)" >&2; exit 1; }
[ -d "$HERE/node_modules/playwright-core" ] || { echo "playwright-core is missing: run 'npm ci' in tests/browser (./scripts/test does)" >&2; exit 1; }

WORK="$(mktemp -d /tmp/sagsflow-browser.XXXXXX)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
export SAGSFLOW_DB="sqlite:$WORK/sagsflow.db"
SF="$BUILD/bin/sagsflow"
"$SF" --actor anna init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >/dev/null
for p in "$BUILD"/plugins/*.so; do "$SF" --actor anna plugins install "$p" >/dev/null; done
head -c 48 /dev/urandom | base64 -w0 >"$WORK/signing.key"
chmod 600 "$WORK/signing.key"  # the server refuses a key others may read

. "$HERE/../lib/sagsflow_server.sh"
start_sagsflow_server "$SF" "$WORK"

export FRONTDESK_TOKEN="$("$SF" token issue --person frida)"
export CASEWORKER_TOKEN="$("$SF" token issue --person bo)"
export ADMIN_TOKEN="$("$SF" token issue --person anna)"
export CITIZEN_TOKEN="$("$SF" token issue --citizen 010490-9989)"
export TEAMLEADER_TOKEN="$("$SF" token issue --person tove)"
node "$HERE/walkthrough.mjs" "$BASE" "$BUILD/browser-screenshots" || {
  echo "--- the server's log:" >&2
  tail -n 40 "$WORK/serve.err" >&2
  exit 1
}
# The staff pages of search.js, notifications.js and admin-workflows.js, on the same server.
node "$HERE/staff_pages.mjs" "$BASE" "$BUILD/browser-screenshots" || {
  echo "--- the server's log:" >&2
  tail -n 40 "$WORK/serve.err" >&2
  exit 1
}
# The worklist's filters and bulk work and the team overview of worklist.js, on the same server.
node "$HERE/worklist.mjs" "$BASE" "$BUILD/browser-screenshots" || {
  echo "--- the server's log:" >&2
  tail -n 40 "$WORK/serve.err" >&2
  exit 1
}
