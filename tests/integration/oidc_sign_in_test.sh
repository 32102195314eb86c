#!/usr/bin/env bash
# Sign-in through OpenID Connect, end to end: the real test provider
# (tests/browser/oidc_provider.mjs, npm oidc-provider) and a real `sagsflow
# serve` on 127.0.0.1, its login form driven with urllib and a cookie jar
# (tests/integration/oidc_sign_in_checks.py says what is proved).
#   tests/integration/oidc_sign_in_test.sh BUILD_DIR SOURCE_DIR
# Exits 77 (skipped) when node or tests/browser/node_modules are missing.
set -euo pipefail
BUILD="$(cd "${1:?usage: oidc_sign_in_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
ROOT="$(cd "${2:?usage: oidc_sign_in_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
SF="$BUILD/bin/sagsflow"
command -v node >/dev/null || { echo "node is missing: skipped" >&2; exit 77; }
[ -d "$ROOT/tests/browser/node_modules/oidc-provider" ] || {
  echo "oidc-provider is missing: run 'npm ci' in tests/browser (./scripts/test does): skipped" >&2; exit 77; }
. "$ROOT/tests/lib/signed_in_server.sh"
WORK="$(mktemp -d /tmp/sagsflow-oidc.XXXXXX)"
cleanup() {
  stop_signed_in_server
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
chmod 700 "$WORK"
export SAGSFLOW_DB="sqlite:$WORK/sagsflow.db"
"$SF" --actor anna init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >"$WORK/init.txt" 2>&1 || {
  cat "$WORK/init.txt" >&2; exit 1; }
start_signed_in_server "$SF" "$WORK" "limits.requests_per_minute = 100000
session.idle_seconds = 20"
ISSUER="$OIDC_ISSUER"

# A token for the parts a script does (bearer requests need no CSRF token).
TOKEN="$("$SF" token issue --config "$WORK/server.properties" --person frida)"
checks() {  # PHASE
  python3 "$ROOT/tests/integration/oidc_sign_in_checks.py" "$1" "$PUBLIC" "$ISSUER" "$TOKEN" || {
    echo "--- the server's log:" >&2; tail -n 40 "$WORK/serve.err" >&2
    echo "--- the provider's log:" >&2; tail -n 20 "$WORK/provider.err" >&2
    exit 1
  }
}
checks main
# The provider rotates its signing keys (restarted with new ones first, on the
# same port): the server fetches the new JWKS for the new kid.
restart_oidc_provider --rotate
checks rotated
# Nothing personal in the server's log either.
if grep -E '0104909989|010490-9989' "$WORK/serve.err" "$WORK/serve.out"; then
  echo "the server's log shows a CPR number" >&2; exit 1
fi
echo "oidc sign-in: all checks passed"
