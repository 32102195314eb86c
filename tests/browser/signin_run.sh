#!/usr/bin/env bash
# Runs tests/browser/signin.mjs: the test OpenID provider
# (tests/browser/oidc_provider.mjs) and a real `sagsflow serve` configured for
# it on 127.0.0.1, the example municipality on a fresh SQLite file, Debian
# chromium. Exits 77 (skipped) without chromium or tests/browser/node_modules.
#   tests/browser/signin_run.sh BUILD_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: signin_run.sh BUILD_DIR}" && pwd)"
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
[ -x /usr/bin/chromium ] || { echo "Debian chromium is not installed: skipped" >&2; exit 77; }
[ -d "$HERE/node_modules/playwright-core" ] && [ -d "$HERE/node_modules/oidc-provider" ] ||
  { echo "playwright-core or oidc-provider is missing: run 'npm ci' in tests/browser: skipped" >&2; exit 77; }
WORK="$(mktemp -d /tmp/sagsflow-browser-signin.XXXXXX)"
SERVER_PID=""
PROVIDER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "$PROVIDER_PID" ] && kill "$PROVIDER_PID" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
chmod 700 "$WORK"
export SAGSFLOW_DB="sqlite:$WORK/sagsflow.db"
SF="$BUILD/bin/sagsflow"
"$SF" init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >/dev/null
head -c 48 /dev/urandom | base64 -w0 >"$WORK/signing.key"
(umask 077; head -c 24 /dev/urandom | base64 -w0 >"$WORK/citizen.secret"; head -c 24 /dev/urandom | base64 -w0 >"$WORK/staff.secret")
chmod 600 "$WORK/signing.key"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
BASE="http://127.0.0.1:$PORT"
python3 - "$WORK" "$BASE" <<'PY'
import json, sys
work, base = sys.argv[1:3]
def client(cid, alg):
    return {"client_id": f"sagsflow-{cid}", "client_secret": open(f"{work}/{cid}.secret").read().strip(),
            "redirect_uris": [base + "/auth/callback"], "post_logout_redirect_uris": [base + "/"],
            "grant_types": ["authorization_code"], "response_types": ["code"], "id_token_signed_response_alg": alg}
json.dump([client("citizen", "RS256"), client("staff", "ES256")], open(f"{work}/clients.json", "w"))
PY
node "$HERE/oidc_provider.mjs" --port 0 --clients "$WORK/clients.json" >"$WORK/provider.out" 2>"$WORK/provider.err" &
PROVIDER_PID=$!
for _ in $(seq 1 300); do grep -q '^issuer ' "$WORK/provider.out" 2>/dev/null && break; sleep 0.1; done
ISSUER="$(sed -n 's/^issuer //p' "$WORK/provider.out")"
[ -n "$ISSUER" ] || { echo "the test provider did not start" >&2; cat "$WORK/provider.err" >&2; exit 1; }
cat >"$WORK/server.properties" <<PROPS
server.port = $PORT
auth.signing_key_file = $WORK/signing.key
oidc.public_url = $BASE
oidc.citizen.issuer = $ISSUER
oidc.citizen.client_id = sagsflow-citizen
oidc.citizen.client_secret_file = $WORK/citizen.secret
oidc.staff.issuer = $ISSUER
oidc.staff.client_id = sagsflow-staff
oidc.staff.client_secret_file = $WORK/staff.secret
oidc.staff.group_roles = sf-frontdesk:frontdesk,sf-caseworkers:caseworker,sf-admins:admin
PROPS
"$SF" serve --config "$WORK/server.properties" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
for _ in $(seq 1 600); do grep -q "serves" "$WORK/serve.out" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/serve.err" >&2; exit 1; }; sleep 0.1; done
node "$HERE/signin.mjs" "$BASE" "$BUILD/browser-screenshots" || {
  echo "--- the server's log:" >&2; tail -n 40 "$WORK/serve.err" >&2
  exit 1
}
