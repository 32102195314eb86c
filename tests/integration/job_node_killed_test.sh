#!/usr/bin/env bash
# Two `sagsflow serve` nodes on one PostgreSQL database (a runtime role
# without DDL rights), jobs.heartbeat_seconds 1 and jobs.stale_after_seconds 3:
#   - a simulation job started on node A stays "running" on node B past the
#     stale timeout while A lives (A's heartbeat keeps it);
#   - node A is killed (SIGKILL): node B marks the job failed, naming why
#     ("the node running it stopped"), within the timeout and a round;
#   - A started again (a restart of the same node) answers the job as failed too;
#   - POSTs with one Idempotency-Key sent to both nodes at once open one case;
#     the same key with another body is a 422 on either node.
# Needs the PostgreSQL server binaries (Debian package postgresql); exits 77
# (skipped) without them.
#   tests/integration/job_node_killed_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: job_node_killed_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
ROOT="$(cd "${2:?usage: job_node_killed_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
SF="$BUILD/bin/sagsflow"
. "$ROOT/tests/lib/postgres_cluster.sh"
WORK="$(mktemp -d /tmp/sagsflow-job-node.XXXXXX)"
PIDS=()
stop_nodes() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  PIDS=()
}
cleanup() {
  stop_nodes
  for p in ${CHILDREN:-}; do kill -9 "$p" 2>/dev/null || true; done
  stop_postgres_cluster
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
start_postgres_cluster "$WORK"
psql_as() { "$PG_BIN/psql" -v ON_ERROR_STOP=1 -qtA -h 127.0.0.1 -p "$PG_PORT" -U "$1" -d "$2" -c "$3"; }
psql_as postgres postgres "CREATE DATABASE sagsflow" >/dev/null

APP="$WORK/app"
mkdir -p "$APP/plugins" "$APP/a" "$APP/b"
chmod 700 "$APP"
OWNER="host=127.0.0.1 port=$PG_PORT dbname=sagsflow user=postgres"
export SAGSFLOW_PLUGIN_DIR="$APP/plugins"
SAGSFLOW_DB="$OWNER" "$SF" db migrate >"$APP/cli.txt" 2>&1
SAGSFLOW_DB="$OWNER" "$SF" --actor anna init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >>"$APP/cli.txt" 2>&1
for p in "$BUILD"/plugins/*.so; do SAGSFLOW_DB="$OWNER" "$SF" --actor anna plugins install "$p" >>"$APP/cli.txt" 2>&1; done
psql_as postgres sagsflow "CREATE ROLE sagsflow_app LOGIN;
  REVOKE CREATE ON SCHEMA public FROM PUBLIC;
  GRANT USAGE ON SCHEMA public TO sagsflow_app;
  GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO sagsflow_app;
  GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA public TO sagsflow_app;" >/dev/null
export SAGSFLOW_DB="host=127.0.0.1 port=$PG_PORT dbname=sagsflow user=sagsflow_app"
head -c 48 /dev/urandom | base64 -w0 >"$APP/signing.key"
chmod 600 "$APP/signing.key"
export SAGSFLOW_SIGNING_KEY_FILE="$APP/signing.key"
printf 'limits.requests_per_minute = 1000000\nauth.signing_key_file = %s\nsimulation.allowed = true\njobs.heartbeat_seconds = 1\njobs.stale_after_seconds = 3\n' \
  "$APP/signing.key" >"$APP/server.properties"
. "$ROOT/tests/lib/sagsflow_server.sh"
start_sagsflow_server "$SF" "$APP/a" --config "$APP/server.properties"
A="$BASE"; A_PID="$SERVER_PID"; PIDS+=("$SERVER_PID")
start_sagsflow_server "$SF" "$APP/b" --config "$APP/server.properties"
B="$BASE"; PIDS+=("$SERVER_PID")
FRIDA="$("$SF" token issue --person frida)"
ANNA="$("$SF" token issue --person anna)"

request() {  # BASE METHOD PATH [BODY]: prints "STATUS BODY"
  python3 - "$@" "$ANNA" <<'PY'
import json, sys, urllib.request, urllib.error
base, method, path = sys.argv[1:4]
body = sys.argv[4] if len(sys.argv) > 5 else None
token = sys.argv[-1]
req = urllib.request.Request(base + path, data=None if body is None else body.encode(), method=method,
                             headers={"Authorization": "Bearer " + token, "Content-Type": "application/json"})
try:
    with urllib.request.urlopen(req, timeout=10) as r:
        print(r.status, r.read().decode())
except urllib.error.HTTPError as e:
    print(e.code, e.read().decode())
PY
}

# 1. A long simulation (a whole year) on node A.
PROFILE_JSON="$(python3 -c 'import json,sys; print(json.dumps({"profile": open(sys.argv[1]).read(), "scale": 1, "days": 366}))' \
  "$ROOT/examples/profiles/koebenhavn-2012.yaml")"
read -r status answer < <(request "$A" POST /api/v1/admin/simulations "$PROFILE_JSON")
[ "$status" = 202 ] || { echo "the simulation did not start on A: $status $answer" >&2; exit 1; }
JOB="$(python3 -c 'import json,sys; print(json.loads(sys.argv[1])["id"])' "$answer")"
job_state() { request "$1" GET "/api/v1/admin/jobs/$JOB" | python3 -c 'import json,sys; s,b=sys.stdin.read().split(" ",1); j=json.loads(b); print(s, j.get("state"), j.get("error") or "")'; }
sleep 5
read -r status state _ < <(job_state "$B")
[ "$status" = 200 ] && [ "$state" = running ] || { echo "B sees job $JOB as $status $state after 5 s (A alive: its heartbeat should keep it running)" >&2; exit 1; }
echo "job $JOB on node A is still running on node B after 5 s (stale after 3 s): A's heartbeat keeps it"

# 2. A is killed in the middle of the job; B marks the job failed.
CHILDREN="$(pgrep -P "$A_PID" || true)"
kill -9 "$A_PID"
wait "$A_PID" 2>/dev/null || true
PIDS=("${PIDS[@]/$A_PID}")
killed_at=$(date +%s.%N)
for _ in $(seq 1 100); do
  read -r status state reason < <(job_state "$B")
  [ "$state" != running ] && break
  sleep 0.1
done
took=$(python3 -c "import time; print('%.1f' % (time.time() - $killed_at))")
[ "$state" = failed ] || { echo "job $JOB is $state on B ${took} s after A was killed" >&2; exit 1; }
case "$reason" in *"the node running it stopped"*) ;; *) echo "the job failed without the reason: '$reason'" >&2; exit 1 ;; esac
echo "node A killed: node B marked job $JOB failed after ${took} s: $reason"
for p in $CHILDREN; do kill -9 "$p" 2>/dev/null || true; done

# 3. A starts again (a restart of the same node): the job stays failed there too.
start_sagsflow_server "$SF" "$APP/a" --config "$APP/server.properties"
A="$BASE"; PIDS+=("$SERVER_PID")
read -r status state _ < <(job_state "$A")
[ "$status" = 200 ] && [ "$state" = failed ] || { echo "the restarted node A answers job $JOB as $status $state" >&2; exit 1; }
echo "the restarted node A answers job $JOB as failed"

# 4. One Idempotency-Key sent to both nodes at once opens one case.
before="$(psql_as postgres sagsflow "SELECT count(*) FROM cases")"
python3 - "$A" "$B" "$FRIDA" <<'PY'
import json, sys, threading, urllib.request, urllib.error, uuid
a, b, token = sys.argv[1:4]
def post(base, key, body):
    req = urllib.request.Request(base + "/api/v1/cases", data=json.dumps(body).encode(), method="POST",
                                 headers={"Authorization": "Bearer " + token, "Content-Type": "application/json",
                                          "Idempotency-Key": key})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, json.loads(r.read()), r.headers.get("Idempotent-Replayed")
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null"), None
for round in range(5):
    key = str(uuid.uuid4())
    body = {"workflow": "passport", "citizen_cpr": "010490-9989", "title": "Pas %d" % round}
    answers = [None] * 8
    barrier = threading.Barrier(8)
    def send(i):
        barrier.wait()
        answers[i] = post((a, b)[i % 2], key, body)
    threads = [threading.Thread(target=send, args=(i,)) for i in range(8)]
    for t in threads: t.start()
    for t in threads: t.join()
    statuses = sorted(s for s, _, _ in answers)
    assert statuses == [201] * 8, "round %d: %r" % (round, [(s, j) for s, j, _ in answers if s != 201])
    ids = {j["id"] for _, j, _ in answers}
    assert len(ids) == 1, "round %d: one key opened cases %r" % (round, ids)
    assert sum(1 for _, _, r in answers if r == "true") == 7, "round %d: %r" % (round, [r for _, _, r in answers])
    s, j, _ = post((b, a)[round % 2], key, dict(body, title="another"))
    assert s == 422 and j["code"] == "idempotency_key_reused", (s, j)
print("5 rounds of 8 requests with one key over both nodes: one case each; another body is 422")
PY
after="$(psql_as postgres sagsflow "SELECT count(*) FROM cases")"
[ "$((after - before))" = 5 ] || { echo "$((after - before)) cases opened for 5 keys" >&2; exit 1; }
echo "5 keys, 5 cases"
