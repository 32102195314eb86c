# Sourced by the shell tests that drive a real `sagsflow serve`.
#
# start_sagsflow_server SF DIR [SERVE_ARGS...]: starts `SF serve --port 0
# SERVE_ARGS` in the background (standard output in DIR/serve.out, the log in
# DIR/serve.err) and waits until it says where it serves. Sets SERVER_PID and
# BASE (http://127.0.0.1:PORT); exits 1 with the server's log when it does not
# start within 60 s. (A start opens every lane's installation and each starts
# its plugins' processes: on a CI machine of 2 cores shared with other tests
# that once took more than 10 s.) The caller stops it (kill "$SERVER_PID").
start_sagsflow_server() {
  local sf="$1" dir="$2"
  shift 2
  serve_sagsflow "$sf" "$dir" --port 0 "$@"
}

# serve_sagsflow SF DIR SERVE_ARGS...: the same without choosing the port (a
# --config file or an argument names it: a server whose address others must
# know in advance, as an OpenID provider's redirect URI).
serve_sagsflow() {
  local sf="$1" dir="$2"
  shift 2
  "$sf" serve "$@" >"$dir/serve.out" 2>"$dir/serve.err" &
  SERVER_PID=$!
  for _ in $(seq 1 600); do
    grep -q "serves" "$dir/serve.out" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/serve.err" >&2; exit 1; }
    sleep 0.1
  done
  BASE="$(sed -n 's/.* on \(http[^ ]*\) .*/\1/p' "$dir/serve.out")"
  [ -n "$BASE" ] || { echo "the server did not say where it serves within 60 s" >&2; cat "$dir/serve.err" >&2; exit 1; }
}
