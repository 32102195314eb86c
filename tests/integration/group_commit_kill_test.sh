#!/usr/bin/env bash
# A `sagsflow serve` on SQLite killed with SIGKILL in the middle of group
# commits loses nothing it acknowledged and leaves nothing half-written:
#   - under load (16 clients opening cases and acting on them over real HTTP,
#     with expected versions), /metrics shows groups holding several requests;
#   - the server is killed (kill -9) while requests are in flight;
#   - a new server starts on the same file (the lock died with the process);
#   - every acknowledged answer's version is in its case's history, each
#     case's row is at its last event (no event without its state, no state
#     without its event), the history has no gaps, the answer's access record
#     is there, and SQLite's integrity check passes.
#   tests/integration/group_commit_kill_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: group_commit_kill_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
ROOT="$(cd "${2:?usage: group_commit_kill_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
SF="$BUILD/bin/sagsflow"
WORK="$(mktemp -d /tmp/sagsflow-group-kill.XXXXXX)"
SERVER_PID=""
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null
  wait 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
export SAGSFLOW_DB="sqlite:$WORK/sagsflow.db"
export SAGSFLOW_PLUGIN_DIR="$WORK/plugins"
"$SF" --actor anna init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >"$WORK/cli.txt" 2>&1
for p in "$BUILD"/plugins/*.so; do "$SF" --actor anna plugins install "$p" >>"$WORK/cli.txt" 2>&1; done
head -c 48 /dev/urandom | base64 -w0 >"$WORK/signing.key"
chmod 600 "$WORK/signing.key"
export SAGSFLOW_SIGNING_KEY_FILE="$WORK/signing.key"
printf 'limits.requests_per_minute = 1000000\nauth.signing_key_file = %s\n' "$WORK/signing.key" >"$WORK/server.properties"
. "$ROOT/tests/lib/sagsflow_server.sh"
start_sagsflow_server "$SF" "$WORK" --config "$WORK/server.properties"
FRIDA="$("$SF" token issue --person frida)"

python3 - "$BASE" "$FRIDA" "$SERVER_PID" "$WORK/acked.json" <<'PY'
import json, os, re, signal, sys, threading, time, urllib.request, urllib.error

base, token, server_pid, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
acked = []   # [case id, version, action] of every answer the server gave with 2xx
lock = threading.Lock()
stop = threading.Event()

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
        if status != 201 or not case:
            time.sleep(0.01)
            continue
        with lock: acked.append([case["id"], case["version"], "open"])
        version = case["version"]
        for action in ["register"] + ["request_missing", "missing_received"] * 3:
            if stop.is_set(): break
            s2, page = request("POST", "/api/v1/cases/%d/actions/%s" % (case["id"], action),
                               {"expected_version": version})
            if s2 != 200 or not page: break
            version = page["version"]
            with lock: acked.append([case["id"], version, action])

def metric(name):
    with urllib.request.urlopen(base + "/metrics", timeout=5) as r:
        m = re.search(r"\n%s ([0-9]+)" % name, r.read().decode())
        return int(m.group(1)) if m else -1

threads = [threading.Thread(target=worker) for _ in range(16)]
for t in threads: t.start()
time.sleep(2.5)
groups, grouped = metric("sagsflow_write_groups_total"), metric("sagsflow_grouped_requests_total")
os.kill(server_pid, signal.SIGKILL)   # in the middle of the load: requests are queued and a group is committing
killed_with = len(acked)
stop.set()
for t in threads: t.join()
print("before the kill: %d group commits held %d requests; %d answers acknowledged" % (groups, grouped, killed_with))
assert groups > 0 and grouped > groups, "no group commit held more than one request"
assert killed_with > 50, "too little load to test with"
with open(out, "w") as f: json.dump(acked, f)
PY
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""

# The database as the killed server left it, checked straight in SQLite.
python3 - "$WORK/sagsflow.db" "$WORK/acked.json" <<'PY'
import json, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
acked = json.load(open(sys.argv[2]))
assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
by_case = {}
for case_id, version, action in acked: by_case.setdefault(case_id, []).append((version, action))
missing, torn = [], []
for case_id, answers in by_case.items():
    row = db.execute("SELECT version FROM cases WHERE id = ?", (case_id,)).fetchone()
    seqs = [r[0] for r in db.execute("SELECT seq FROM case_events WHERE case_id = ? ORDER BY seq", (case_id,))]
    if row is None or seqs != list(range(1, len(seqs) + 1)) or row[0] != len(seqs):
        torn.append((case_id, row, seqs))
        continue
    events = dict(db.execute("SELECT seq, action FROM case_events WHERE case_id = ?", (case_id,)).fetchall())
    for version, action in answers:
        if version not in events or (action != "open" and events[version] != action): missing.append((case_id, version, action))
    reads = db.execute("SELECT count(*) FROM access_log WHERE case_id = ?", (case_id,)).fetchone()[0]
    if reads < len(answers): missing.append((case_id, "access records", reads, len(answers)))
# Nothing half-written anywhere, not only in the acknowledged cases.
for case_id, version in db.execute("SELECT id, version FROM cases"):
    last = db.execute("SELECT max(seq) FROM case_events WHERE case_id = ?", (case_id,)).fetchone()[0]
    if last != version: torn.append((case_id, version, last))
assert not torn, "half-written cases: %r" % torn[:5]
assert not missing, "acknowledged but not stored: %r" % missing[:5]
print("every one of %d acknowledged answers on %d cases is stored, with its access record; no case is half-written"
      % (len(acked), len(by_case)))
PY

# A new server on the same file starts (the killed one's lock went with it) and serves the stored cases.
start_sagsflow_server "$SF" "$WORK" --config "$WORK/server.properties"
LAST="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[-1][0])' "$WORK/acked.json")"
code="$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $FRIDA" "$BASE/api/v1/cases/$LAST")"
[ "$code" = 200 ] || { echo "the restarted server answered $code for case $LAST" >&2; exit 1; }
echo "the restarted server serves case $LAST"
