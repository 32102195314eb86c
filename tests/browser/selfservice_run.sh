#!/usr/bin/env bash
# Runs tests/browser/selfservice.mjs: the test OpenID provider and a real
# `sagsflow serve` configured for it (tests/lib/signed_in_server.sh), the
# example municipality with its letters delivered into folders
# (scripts/lib/municipality_with_letter_folders.py) and every first-party
# plugin on a fresh SQLite file, Debian chromium. Exits 77 (skipped) without
# chromium or tests/browser/node_modules.
#   tests/browser/selfservice_run.sh BUILD_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: selfservice_run.sh BUILD_DIR}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
[ -x /usr/bin/chromium ] || { echo "Debian chromium is not installed: skipped" >&2; exit 77; }
[ -d "$HERE/node_modules/playwright-core" ] && [ -d "$HERE/node_modules/oidc-provider" ] ||
  { echo "playwright-core or oidc-provider is missing: run 'npm ci' in tests/browser: skipped" >&2; exit 77; }
command -v pdftotext >/dev/null || { echo "pdftotext (poppler-utils) is missing: skipped" >&2; exit 77; }
. "$ROOT/tests/lib/signed_in_server.sh"
WORK="$(mktemp -d /tmp/sagsflow-browser-selfservice.XXXXXX)"
trap 'stop_signed_in_server; rm -rf "$WORK"' EXIT
chmod 700 "$WORK"
export SAGSFLOW_DB="sqlite:$WORK/sagsflow.db"
SF="$BUILD/bin/sagsflow"
mkdir -p "$WORK/letters"
python3 "$ROOT/scripts/lib/municipality_with_letter_folders.py" \
  "$ROOT/examples/municipalities/eksempel-kommune.yaml" "$WORK/municipality.yaml" "$WORK/letters"
"$SF" --actor anna init --municipality-file "$WORK/municipality.yaml" >/dev/null
for p in "$BUILD"/plugins/*.so; do "$SF" --actor anna plugins install "$p" >/dev/null; done
start_signed_in_server "$SF" "$WORK"
LETTER_FOLDER="$WORK/letters" node "$HERE/selfservice.mjs" "$BASE" "$BUILD/browser-screenshots" || {
  echo "--- the server's log:" >&2; tail -n 60 "$WORK/serve.err" >&2
  exit 1
}
# Nothing personal in the server's log.
if grep -E '0104909989|010490-9989' "$WORK/serve.err" "$WORK/serve.out"; then
  echo "the server's log shows a CPR number" >&2; exit 1
fi
