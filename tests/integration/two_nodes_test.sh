#!/usr/bin/env bash
# Two `sagsflow serve` nodes on one PostgreSQL database, as an operator runs
# them behind a load balancer, each connecting as a role without DDL rights:
#   - a case opened on one node is acted on from the other, and each sees the
#     other's change at once;
#   - under load on both nodes the test restarts its PostgreSQL cluster: both
#     same processes are ready again within 2 s and no acknowledged action is lost;
#   - cases whose deadline has passed get exactly one deadline_passed event
#     although both nodes check deadlines (a lease: one node per interval);
#   - a job (KLE import) started on one node is followed to its end on the other;
#   - the plugins' outbox drains: every event reaches its plugin's cursor.
# Needs the PostgreSQL server binaries (Debian package postgresql); exits 77
# (skipped) without them.
#   tests/integration/two_nodes_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: two_nodes_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
ROOT="$(cd "${2:?usage: two_nodes_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
SF="$BUILD/bin/sagsflow"
. "$ROOT/tests/lib/postgres_cluster.sh"
WORK="$(mktemp -d /tmp/sagsflow-two-nodes.XXXXXX)"
PIDS=()
stop_nodes() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  stop_nodes
  stop_postgres_cluster
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
start_postgres_cluster "$WORK"
psql_as() { "$PG_BIN/psql" -v ON_ERROR_STOP=1 -qtA -h 127.0.0.1 -p "$PG_PORT" -U "$1" -d "$2" -c "$3"; }
psql_as postgres postgres "CREATE DATABASE sagsflow" >/dev/null

APP="$WORK/app"
mkdir -p "$APP/plugins"
chmod 700 "$APP"
OWNER="host=127.0.0.1 port=$PG_PORT dbname=sagsflow user=postgres"
RUNTIME="host=127.0.0.1 port=$PG_PORT dbname=sagsflow user=sagsflow_app"
export SAGSFLOW_PLUGIN_DIR="$APP/plugins"
# The owner migrates and sets up; the nodes run as a role that may read and write rows, nothing more.
SAGSFLOW_DB="$OWNER" "$SF" db migrate >"$APP/cli.txt" 2>&1
SAGSFLOW_DB="$OWNER" "$SF" --actor anna init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >>"$APP/cli.txt" 2>&1
for p in "$BUILD"/plugins/*.so; do SAGSFLOW_DB="$OWNER" "$SF" --actor anna plugins install "$p" >>"$APP/cli.txt" 2>&1; done
psql_as postgres sagsflow "CREATE ROLE sagsflow_app LOGIN;
  REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  GRANT USAGE ON SCHEMA public TO sagsflow_app;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sagsflow_app;
  GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO sagsflow_app;" >/dev/null
export SAGSFLOW_DB="$RUNTIME"
head -c 48 /dev/urandom | base64 -w0 >"$APP/signing.key"
chmod 600 "$APP/signing.key"
export SAGSFLOW_SIGNING_KEY_FILE="$APP/signing.key"
printf 'limits.requests_per_minute = 1000000\nauth.signing_key_file = %s\n' "$APP/signing.key" >"$APP/server.properties"
. "$ROOT/tests/lib/sagsflow_server.sh"
start_nodes() {
  mkdir -p "$APP/a" "$APP/b"
  start_sagsflow_server "$SF" "$APP/a" --config "$APP/server.properties"
  A="$BASE"; PIDS+=("$SERVER_PID"); A_PID="$SERVER_PID"
  start_sagsflow_server "$SF" "$APP/b" --config "$APP/server.properties"
  B="$BASE"; PIDS+=("$SERVER_PID"); B_PID="$SERVER_PID"
}
start_nodes
FRIDA="$("$SF" token issue --person frida)"
ANNA="$("$SF" token issue --person anna)"
# A role without DDL rights could not have created anything: the nodes run without it.
if psql_as sagsflow_app sagsflow "CREATE TABLE t (x int)" 2>/dev/null; then echo "the runtime role may create tables" >&2; exit 1; fi

python3 - "$A" "$B" "$FRIDA" "$ANNA" "$PG_BIN/pg_ctl" "$PG_DATA" "$(id -u)" "$A_PID" "$B_PID" "$WORK/cases.txt" <<'PY'
import json, subprocess, sys, threading, time, urllib.request, urllib.error

a, b, token, anna, pg_ctl, pg_data, uid, a_pid, b_pid, cases_out = sys.argv[1:11]

def request(base, method, path, body=None, tok=None, timeout=5):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method,
                                 headers={"Authorization": "Bearer " + (tok or token), "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as e:
        return e.code, None
    except Exception:
        return 0, None

def open_case(base):
    return request(base, "POST", "/api/v1/cases", {"workflow": "passport", "citizen_cpr": "010490-9989", "title": "Pas"})

# 1. Opened on A, acted on from B, seen on A.
s, case = open_case(a)
assert s == 201, "open on A: %d" % s
s, page = request(b, "POST", "/api/v1/cases/%d/actions/register" % case["id"], {"expected_version": case["version"]})
assert s == 200, "act on B: %d" % s
s, seen = request(a, "GET", "/api/v1/cases/%d" % case["id"])
assert s == 200 and seen["version"] == page["version"] and seen["stage"] == "check", seen
# The loser of a race between the nodes gets 409, not a second event.
s1, _ = request(a, "POST", "/api/v1/cases/%d/actions/request_missing" % case["id"], {"expected_version": page["version"]})
s2, _ = request(b, "POST", "/api/v1/cases/%d/actions/request_missing" % case["id"], {"expected_version": page["version"]})
assert sorted([s1, s2]) == [200, 409], (s1, s2)
print("a case opened on one node was acted on from the other; the second of a race between them got 409")

# 2. Load on both nodes, and a PostgreSQL restart in the middle.
acked, lock, stop = [], threading.Lock(), threading.Event()
def worker(base):
    while not stop.is_set():
        s, c = open_case(base)
        if s == 201 and c:
            with lock: acked.append((c["id"], 1))
            s2, p = request(base, "POST", "/api/v1/cases/%d/actions/register" % c["id"], {"expected_version": c["version"]})
            if s2 == 200 and p:
                with lock: acked.append((c["id"], p["version"]))
        elif s == 0 or s == 503:
            time.sleep(0.05)
threads = [threading.Thread(target=worker, args=(base,)) for base in (a, b, a, b)]
for t in threads: t.start()
time.sleep(2)
cmd = [pg_ctl, "-D", pg_data, "-m", "fast", "-w", "restart"]
if uid == "0": cmd = ["runuser", "-u", "postgres", "--"] + cmd
subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
back = time.monotonic()
ready = {}
while time.monotonic() - back < 10 and len(ready) < 2:
    for name, base in (("a", a), ("b", b)):
        if name in ready: continue
        try:
            with urllib.request.urlopen(base + "/healthz/ready", timeout=2) as r:
                if r.status == 200: ready[name] = time.monotonic() - back
        except Exception:
            pass
    time.sleep(0.02)
time.sleep(1.5)
stop.set()
for t in threads: t.join()
print("ready again after the restart: %s; %d answers acknowledged" % (
    ", ".join("%s %.2f s" % kv for kv in sorted(ready.items())), len(acked)))
assert set(ready) == {"a", "b"} and max(ready.values()) <= 2.0, "a node was not ready within 2 s: %r" % ready
for pid in (a_pid, b_pid): subprocess.run(["kill", "-0", pid], check=True)  # the same processes
missing = []
for case_id, version in acked:
    s, h = request(a, "GET", "/api/v1/cases/%d/history" % case_id)
    if s != 200 or version not in [e["seq"] for e in h["events"]]: missing.append((case_id, version))
assert not missing, "acknowledged but not stored: %r" % missing[:5]
print("every acknowledged action of both nodes is stored")

# 3. A job started on A, followed on B.
xml = """<?xml version="1.0" encoding="UTF-8"?>
<KLE-Emneplan><UdgivelsesDato>2026-10-01</UdgivelsesDato>
  <Hovedgruppe><HovedgruppeNr>23</HovedgruppeNr><HovedgruppeTitel>Borgerservice</HovedgruppeTitel>
    <Gruppe><GruppeNr>23.05</GruppeNr><GruppeTitel>Folkeregistrering</GruppeTitel>
      <Emne><EmneNr>23.05.10</EmneNr><EmneTitel>Flytning</EmneTitel></Emne>
    </Gruppe></Hovedgruppe></KLE-Emneplan>"""
s, job = request(a, "POST", "/api/v1/admin/kle-import", {"file_name": "emneplan.xml", "xml": xml}, anna)
assert s == 202, "job on A: %d" % s
state = None
for _ in range(100):
    s, j = request(b, "GET", "/api/v1/admin/jobs/%d" % job["id"], tok=anna)
    assert s == 200, "B does not know job %d: %d" % (job["id"], s)
    state = j["state"]
    if state != "running": break
    time.sleep(0.1)
assert state == "done", "the job on B: %r" % j
print("job %d started on node A was followed to '%s' on node B" % (job["id"], state))

# 4. Cases for the deadline check: registered, so their check deadline runs.
ids = []
for _ in range(6):
    s, c = open_case(b)
    s2, _ = request(a, "POST", "/api/v1/cases/%d/actions/register" % c["id"], {"expected_version": c["version"]})
    assert s == 201 and s2 == 200
    ids.append(c["id"])
open(cases_out, "w").write(" ".join(map(str, ids)))
PY

# The deadlines of those cases are set in the past (as if days went by), then both nodes start again: both check at start.
stop_nodes
IDS="$(tr ' ' ',' <"$WORK/cases.txt")"
psql_as postgres sagsflow "UPDATE cases SET due_date = '2026-01-05',
  state = jsonb_set(state::jsonb, '{clock,due}', '\"2026-01-05\"')::text WHERE id IN ($IDS)" >/dev/null
start_nodes
for _ in $(seq 1 300); do
  n="$(psql_as postgres sagsflow "SELECT count(*) FROM case_events WHERE action = 'deadline_passed' AND case_id IN ($IDS)")"
  [ "$n" -ge 6 ] && break
  sleep 0.1
done
sleep 1
per_case="$(psql_as postgres sagsflow "SELECT count(*) FROM case_events WHERE action = 'deadline_passed' AND case_id IN ($IDS) GROUP BY case_id" | sort -u | tr '\n' ' ')"
[ "$per_case" = "1 " ] && [ "$n" -ge 6 ] || { echo "deadline_passed events per case: '$per_case' (want one each for 6 cases)" >&2; exit 1; }
echo "6 passed deadlines were recorded once each with both nodes checking"

# The outbox drains: every plugin-heard event reaches its cursor (deliveries every 2 s on some node).
for _ in $(seq 1 100); do
  left="$(psql_as postgres sagsflow "SELECT count(*) FROM plugin_outbox")"
  [ "$left" = 0 ] && break
  sleep 0.2
done
[ "$left" = 0 ] || { echo "$left cases still in the plugins' outbox" >&2; psql_as postgres sagsflow "SELECT * FROM plugin_outbox LIMIT 5" >&2; exit 1; }
behind="$(psql_as postgres sagsflow "SELECT count(*) FROM cases c JOIN installed_plugins p ON p.workflow_id = c.workflow_id LEFT JOIN plugin_deliveries d ON d.plugin_id = p.id AND d.case_id = c.id WHERE c.version > COALESCE(d.delivered_seq, 0)")"
[ "$behind" = 0 ] || { echo "$behind cases have events their plugin did not hear" >&2; exit 1; }
echo "the plugins' outbox is empty and every cursor is at its case's last event"
