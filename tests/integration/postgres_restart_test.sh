#!/usr/bin/env bash
# A `sagsflow serve` on PostgreSQL keeps serving through a restart of the
# database server: under load (cases opened and acted on over real HTTP) the
# test restarts its own PostgreSQL cluster (pg_ctl restart -m fast), and then
#   - the same server process (no restart) answers /healthz/ready with 200
#     and acts on cases again within 2 s of the database being back;
#   - every action the server acknowledged (201/200) is in the database;
#   - /healthz/live answered all along.
# Needs the PostgreSQL server binaries (Debian package postgresql); exits 77
# (skipped) without them.
#   tests/integration/postgres_restart_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: postgres_restart_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
ROOT="$(cd "${2:?usage: postgres_restart_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
SF="$BUILD/bin/sagsflow"
. "$ROOT/tests/lib/postgres_cluster.sh"
WORK="$(mktemp -d /tmp/sagsflow-pg-restart.XXXXXX)"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  wait 2>/dev/null || true
  stop_postgres_cluster
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
start_postgres_cluster "$WORK"
"$PG_BIN/psql" -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE sagsflow" >/dev/null

APP="$WORK/app"
mkdir -p "$APP/plugins"
chmod 700 "$APP"
export SAGSFLOW_DB="host=127.0.0.1 port=$PG_PORT dbname=sagsflow user=postgres"
export SAGSFLOW_PLUGIN_DIR="$APP/plugins"
"$SF" db migrate >"$APP/cli.txt" 2>&1
"$SF" --actor anna init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >>"$APP/cli.txt" 2>&1
for p in "$BUILD"/plugins/*.so; do "$SF" --actor anna plugins install "$p" >>"$APP/cli.txt" 2>&1; done
head -c 48 /dev/urandom | base64 -w0 >"$APP/signing.key"
chmod 600 "$APP/signing.key"
export SAGSFLOW_SIGNING_KEY_FILE="$APP/signing.key"
# The load is many requests a second from one token: no rate limit in the way.
printf 'limits.requests_per_minute = 1000000\nauth.signing_key_file = %s\n' "$APP/signing.key" >"$APP/server.properties"
. "$ROOT/tests/lib/sagsflow_server.sh"
start_sagsflow_server "$SF" "$APP" --config "$APP/server.properties"
FRIDA="$("$SF" token issue --person frida)"

# The load and the checks; the restart runs from inside (it must happen under load).
python3 - "$BASE" "$FRIDA" "$PG_BIN/pg_ctl" "$PG_DATA" "$(id -u)" "$SERVER_PID" <<'PY'
import json, subprocess, sys, threading, time, urllib.request, urllib.error

base, token, pg_ctl, pg_data, uid, server_pid = sys.argv[1:7]
acked = []          # (case id, action) the server acknowledged
lock = threading.Lock()
stop = threading.Event()
live_failures = []

def request(method, path, body=None, timeout=5):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception:
        return 0, None

def worker():
    while not stop.is_set():
        status, case = request("POST", "/api/v1/cases",
                               {"workflow": "passport", "citizen_cpr": "010490-9989", "title": "Pas"})
        if status == 201 and case:
            with lock: acked.append((case["id"], "opened"))
            s2, _ = request("POST", "/api/v1/cases/%d/actions/register" % case["id"], {})
            if s2 == 200:
                with lock: acked.append((case["id"], "register"))
        elif status == 0:
            time.sleep(0.05)

def liveness():
    while not stop.is_set():
        try:
            with urllib.request.urlopen(base + "/healthz/live", timeout=2) as r:
                if r.status != 200: live_failures.append(r.status)
        except Exception as e:
            live_failures.append(str(e))
        time.sleep(0.05)

threads = [threading.Thread(target=worker) for _ in range(4)] + [threading.Thread(target=liveness)]
for t in threads: t.start()
time.sleep(2)
with lock: before = len(acked)
assert before > 0, "no action was acknowledged before the restart"
cmd = [pg_ctl, "-D", pg_data, "-m", "fast", "-w", "restart"]
if uid == "0": cmd = ["runuser", "-u", "postgres", "--"] + cmd
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
back = time.monotonic()
ready_after = acted_after = None
while time.monotonic() - back < 10 and (ready_after is None or acted_after is None):
    if ready_after is None:
        try:
            with urllib.request.urlopen(base + "/healthz/ready", timeout=2) as r:
                if r.status == 200: ready_after = time.monotonic() - back
        except Exception:
            pass
    if acted_after is None:
        status, _ = request("POST", "/api/v1/cases", {"workflow": "passport", "citizen_cpr": "010490-9989", "title": "Pas"})
        if status == 201: acted_after = time.monotonic() - back
    time.sleep(0.02)
time.sleep(1)
stop.set()
for t in threads: t.join()
print("acknowledged before the restart: %d, in all: %d; ready %.2f s and acting %.2f s after the database was back"
      % (before, len(acked), ready_after if ready_after is not None else -1, acted_after if acted_after is not None else -1))
assert ready_after is not None and ready_after <= 2.0, "the server was not ready within 2 s of the restart"
assert acted_after is not None and acted_after <= 2.0, "the server did not act within 2 s of the restart"
assert not live_failures, "liveness failed: %r" % live_failures[:3]
subprocess.run(["kill", "-0", server_pid], check=True)  # the same server process
# Every acknowledged action is stored.
by_case = {}
for case_id, action in acked: by_case.setdefault(case_id, set()).add(action)
missing = []
for case_id, actions in by_case.items():
    status, history = request("GET", "/api/v1/cases/%d/history" % case_id)
    assert status == 200, "case %d: history answered %d" % (case_id, status)
    events = history["events"] if isinstance(history, dict) else history
    seen = {e.get("action") for e in events}
    for a in actions:
        if a != "opened" and a not in seen: missing.append((case_id, a))
assert not missing, "acknowledged actions missing: %r" % missing[:5]
print("every acknowledged action of %d cases is stored" % len(by_case))
PY
