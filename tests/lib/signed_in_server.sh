# Sourced by the tests that sign in through OpenID Connect: the test OpenID
# provider (scripts/lib/oidc_provider.sh) and a real `sagsflow serve`
# configured for it, both on 127.0.0.1.
#
# start_signed_in_server SF WORK [PROPERTY_LINES]: WORK is a private folder
# (mode 0700) where the installation ($SAGSFLOW_DB) is already set up. Writes
# the signing key, the provider's clients and WORK/server.properties (the
# port, the key, the oidc.* properties, then PROPERTY_LINES), starts the
# provider and the server, and waits for both. Sets PUBLIC (the server's URL),
# OIDC_ISSUER, OIDC_PROVIDER_PID, SERVER_PID and BASE; exits 1 with the log of
# the one that did not start. stop_signed_in_server stops both.
# restart_oidc_provider [--rotate]: the provider again on the same port.
_signed_in_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
. "$_signed_in_here/sagsflow_server.sh"
. "$_signed_in_here/../../scripts/lib/oidc_provider.sh"

start_signed_in_server() {
  local sf="$1" work="$2" extra="${3:-}" port
  SIGNED_IN_WORK="$work"
  head -c 48 /dev/urandom | base64 -w0 >"$work/signing.key"
  chmod 600 "$work/signing.key"  # the server refuses a key others may read
  # The server's port is chosen first: the provider must know the redirect URI.
  port="$(free_loopback_port)"
  PUBLIC="http://127.0.0.1:$port"
  write_oidc_clients "$work" "$PUBLIC"
  start_oidc_provider "$work" 0 ||
    { echo "the test OpenID provider did not start" >&2; cat "$work/provider.err" >&2; exit 1; }
  OIDC_PROVIDER_PORT="${OIDC_ISSUER##*:}"
  {
    echo "server.port = $port"
    echo "auth.signing_key_file = $work/signing.key"
    oidc_server_properties "$work" "$PUBLIC" "$OIDC_ISSUER"
    [ -z "$extra" ] || printf '%s\n' "$extra"
  } >"$work/server.properties"
  serve_sagsflow "$sf" "$work" --config "$work/server.properties"
}

restart_oidc_provider() {
  kill "$OIDC_PROVIDER_PID" 2>/dev/null; wait "$OIDC_PROVIDER_PID" 2>/dev/null || true
  start_oidc_provider "$SIGNED_IN_WORK" "$OIDC_PROVIDER_PORT" "$@" ||
    { echo "the test OpenID provider did not start again" >&2; cat "$SIGNED_IN_WORK/provider.err" >&2; exit 1; }
}

stop_signed_in_server() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null
  [ -n "${OIDC_PROVIDER_PID:-}" ] && kill "$OIDC_PROVIDER_PID" 2>/dev/null
  wait 2>/dev/null || true
}
