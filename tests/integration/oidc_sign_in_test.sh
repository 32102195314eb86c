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
WORK="$(mktemp -d /tmp/sagsflow-oidc.XXXXXX)"
SERVER_PID=""
PROVIDER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$PROVIDER_PID" ] && kill "$PROVIDER_PID" 2>/dev/null
  wait 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
chmod 700 "$WORK"
export SAGSFLOW_DB="sqlite:$WORK/sagsflow.db"
"$SF" init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >"$WORK/init.txt" 2>&1 || {
  cat "$WORK/init.txt" >&2; exit 1; }
head -c 48 /dev/urandom | base64 -w0 >"$WORK/signing.key"
chmod 600 "$WORK/signing.key"

# The server's port is chosen first: the provider must know the redirect URI.
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
PUBLIC="http://127.0.0.1:$PORT"
head -c 24 /dev/urandom | base64 -w0 >"$WORK/citizen.secret"
head -c 24 /dev/urandom | base64 -w0 >"$WORK/staff.secret"
chmod 600 "$WORK/citizen.secret" "$WORK/staff.secret"
python3 - "$WORK" "$PUBLIC" <<'PY'
import json, sys
work, public = sys.argv[1:3]
def client(cid, secret_file, alg):
    return {"client_id": cid, "client_secret": open(f"{work}/{secret_file}").read().strip(),
            "redirect_uris": [public + "/auth/callback"], "post_logout_redirect_uris": [public + "/"],
            "grant_types": ["authorization_code"], "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic", "id_token_signed_response_alg": alg}
json.dump([client("sagsflow-citizen", "citizen.secret", "RS256"), client("sagsflow-staff", "staff.secret", "ES256")],
          open(f"{work}/clients.json", "w"))
PY
start_provider() {  # [--rotate]
  node "$ROOT/tests/browser/oidc_provider.mjs" --port "${PROVIDER_PORT:-0}" --clients "$WORK/clients.json" \
    --keys "$WORK/provider-keys.json" "$@" >"$WORK/provider.out" 2>"$WORK/provider.err" &
  PROVIDER_PID=$!
  for _ in $(seq 1 300); do grep -q '^issuer ' "$WORK/provider.out" 2>/dev/null && break; sleep 0.1; done
  ISSUER="$(sed -n 's/^issuer //p' "$WORK/provider.out")"
  [ -n "$ISSUER" ] || { echo "the test provider did not start" >&2; cat "$WORK/provider.err" >&2; exit 1; }
  PROVIDER_PORT="${ISSUER##*:}"
}
start_provider

cat >"$WORK/server.properties" <<PROPS
server.port = $PORT
auth.signing_key_file = $WORK/signing.key
limits.requests_per_minute = 100000
oidc.public_url = $PUBLIC
oidc.citizen.issuer = $ISSUER
oidc.citizen.client_id = sagsflow-citizen
oidc.citizen.client_secret_file = $WORK/citizen.secret
oidc.staff.issuer = $ISSUER
oidc.staff.client_id = sagsflow-staff
oidc.staff.client_secret_file = $WORK/staff.secret
oidc.staff.group_roles = sf-frontdesk:frontdesk,sf-caseworkers:caseworker,sf-admins:admin
session.idle_seconds = 20
PROPS
"$SF" serve --config "$WORK/server.properties" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 1 600); do grep -q "serves" "$WORK/serve.out" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }; sleep 0.1; done
grep -q "serves" "$WORK/serve.out" || { echo "the server did not start" >&2; cat "$WORK/serve.err" >&2; exit 1; }

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
kill "$PROVIDER_PID"; wait "$PROVIDER_PID" 2>/dev/null || true
start_provider --rotate
checks rotated
# Nothing personal in the server's log either.
if grep -E '0104909989|010490-9989' "$WORK/serve.err" "$WORK/serve.out"; then
  echo "the server's log shows a CPR number" >&2; exit 1
fi
echo "oidc sign-in: all checks passed"
