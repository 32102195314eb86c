# The test OpenID provider (tests/browser/oidc_provider.mjs, npm oidc-provider)
# set up for a Sagsflow server, shared by ./scripts/demo and the tests that
# sign in through it (docs/signin.md). Sourced; needs node and
# tests/browser/node_modules.
# shellcheck shell=bash

OIDC_PROVIDER_SCRIPT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/tests/browser/oidc_provider.mjs"

# write_oidc_clients DIR PUBLIC_URL: the two clients' secrets (DIR/citizen.secret and
# DIR/staff.secret, mode 0600, kept when present) and DIR/clients.json, the
# provider's registration of the citizen client (RS256) and the staff client
# (ES256), both redirected to PUBLIC_URL/auth/callback.
write_oidc_clients() {
  local dir="$1" public="$2" who
  for who in citizen staff; do
    [ -s "$dir/$who.secret" ] || (umask 077; head -c 24 /dev/urandom | base64 -w0 >"$dir/$who.secret")
  done
  python3 - "$dir" "$public" <<'PY'
import json, sys
folder, public = sys.argv[1:3]
def client(cid, alg):
    return {"client_id": f"sagsflow-{cid}", "client_secret": open(f"{folder}/{cid}.secret").read().strip(),
            "redirect_uris": [public + "/auth/callback"], "post_logout_redirect_uris": [public + "/"],
            "grant_types": ["authorization_code"], "response_types": ["code"],
            "token_endpoint_auth_method": "client_secret_basic", "id_token_signed_response_alg": alg}
json.dump([client("citizen", "RS256"), client("staff", "ES256")], open(f"{folder}/clients.json", "w"))
PY
}

# start_oidc_provider DIR PORT [--rotate]: starts the provider on 127.0.0.1:PORT
# (0: any free port) with DIR/clients.json and its signing keys in
# DIR/provider-keys.json (--rotate: new keys); its output in DIR/provider.out
# and DIR/provider.err. Sets OIDC_PROVIDER_PID and OIDC_ISSUER; returns 1 when
# it does not say it is ready within 30 s. The caller stops it.
start_oidc_provider() {
  local dir="$1" port="$2"
  shift 2
  node "$OIDC_PROVIDER_SCRIPT" --port "$port" --clients "$dir/clients.json" --keys "$dir/provider-keys.json" "$@" \
    >"$dir/provider.out" 2>"$dir/provider.err" &
  OIDC_PROVIDER_PID=$!
  OIDC_ISSUER=""
  for _ in $(seq 1 300); do
    grep -q '^issuer ' "$dir/provider.out" 2>/dev/null && break
    kill -0 "$OIDC_PROVIDER_PID" 2>/dev/null || break
    sleep 0.1
  done
  OIDC_ISSUER="$(sed -n 's/^issuer //p' "$dir/provider.out")"
  [ -n "$OIDC_ISSUER" ]
}

# oidc_server_properties DIR PUBLIC_URL ISSUER: the server's oidc.* properties
# for both clients, staff groups mapped to the example municipality's roles.
oidc_server_properties() {
  local dir="$1" public="$2" issuer="$3"
  cat <<PROPS
oidc.public_url = $public
oidc.citizen.issuer = $issuer
oidc.citizen.client_id = sagsflow-citizen
oidc.citizen.client_secret_file = $dir/citizen.secret
oidc.staff.issuer = $issuer
oidc.staff.client_id = sagsflow-staff
oidc.staff.client_secret_file = $dir/staff.secret
oidc.staff.group_roles = sf-frontdesk:frontdesk,sf-caseworkers:caseworker,sf-admins:admin
PROPS
}

# free_loopback_port: a port on 127.0.0.1 nobody listens on now.
free_loopback_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
