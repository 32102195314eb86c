#!/usr/bin/env bash
# Runs tests/browser/signin.mjs: the test OpenID provider and a real
# `sagsflow serve` configured for it on 127.0.0.1 (tests/lib/signed_in_server.sh),
# the example municipality on a fresh SQLite file, Debian chromium. Exits 77
# (skipped) without chromium or tests/browser/node_modules.
#   tests/browser/signin_run.sh BUILD_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: signin_run.sh BUILD_DIR}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
[ -x /usr/bin/chromium ] || { echo "Debian chromium is not installed: skipped" >&2; exit 77; }
[ -d "$HERE/node_modules/playwright-core" ] && [ -d "$HERE/node_modules/oidc-provider" ] ||
  { echo "playwright-core or oidc-provider is missing: run 'npm ci' in tests/browser: skipped" >&2; exit 77; }
. "$ROOT/tests/lib/signed_in_server.sh"
WORK="$(mktemp -d /tmp/sagsflow-browser-signin.XXXXXX)"
trap 'stop_signed_in_server; rm -rf "$WORK"' EXIT
chmod 700 "$WORK"
export SAGSFLOW_DB="sqlite:$WORK/sagsflow.db"
SF="$BUILD/bin/sagsflow"
"$SF" --actor anna init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >/dev/null
start_signed_in_server "$SF" "$WORK"
node "$HERE/signin.mjs" "$BASE" "$BUILD/browser-screenshots" || {
  echo "--- the server's log:" >&2; tail -n 40 "$WORK/serve.err" >&2
  exit 1
}
