#!/usr/bin/env bash
# Letters reach the citizen, end to end, on a real `sagsflow serve` (SQLite, or
# PostgreSQL with --postgres), the first-party delivery plugins and a Digital
# Post receiver on 127.0.0.1 (tests/support/digital_post_receiver.py) that
# answers 503 to its first three messages:
#   - a passport refused through the API gives a decision letter whose PDF
#     (read with pdftotext, from the MeMo message the receiver got and from
#     the citizen's download in Mine sager) holds the reasons, the complaint
#     deadline's date and the appeals body; the delivery receipt is on the case;
#   - the receiver's three failures leave exactly one message per letter
#     (idempotency key = MeMo UUID) and an incident that clears;
#   - a citizen exempt from Digital Post (or from mandatory digital
#     self-service) gets the letter through print; one
#     the receiver refuses is sent on to print;
#   - kill -9 after the commit and before delivery, and kill -9 while a
#     delivery is under way: after a restart each letter is delivered once.
#   tests/integration/letters_delivery_test.sh BUILD_DIR SOURCE_DIR [--postgres]
set -euo pipefail
BUILD="$(cd "${1:?usage: letters_delivery_test.sh BUILD_DIR SOURCE_DIR [--postgres]}" && pwd)"
ROOT="$(cd "${2:?usage: letters_delivery_test.sh BUILD_DIR SOURCE_DIR [--postgres]}" && pwd)"
BACKEND="${3:-}"
SF="$BUILD/bin/sagsflow"
command -v pdftotext >/dev/null || { echo "pdftotext (poppler-utils) is missing" >&2; exit 1; }
WORK="$(mktemp -d /tmp/sagsflow-letters.XXXXXX)"
PIDS=()
RECEIVER_PID=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$RECEIVER_PID" ] && { kill -CONT "$RECEIVER_PID" 2>/dev/null || true; kill "$RECEIVER_PID" 2>/dev/null || true; }
  [ "$BACKEND" = --postgres ] && stop_postgres_cluster
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
APP="$WORK/app"
mkdir -p "$APP/plugins" "$APP/serve" "$WORK/received" "$WORK/print"
chmod 700 "$APP"
if [ "$BACKEND" = --postgres ]; then
  . "$ROOT/tests/lib/postgres_cluster.sh"
  start_postgres_cluster "$WORK"
  "$PG_BIN/psql" -qtA -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -c "CREATE DATABASE sagsflow" >/dev/null
  export SAGSFLOW_DB="host=127.0.0.1 port=$PG_PORT dbname=sagsflow user=postgres"
else
  export SAGSFLOW_DB="sqlite:$APP/sagsflow.db"
fi
export SAGSFLOW_PLUGIN_DIR="$APP/plugins"

# The Digital Post receiver: the first three messages fail; one citizen is refused as exempt.
python3 "$ROOT/tests/support/digital_post_receiver.py" --port 0 --dir "$WORK/received" --fail-first 3 \
  --refuse-cpr 1207804451 --log "$WORK/receiver.log" >"$WORK/receiver.out" 2>"$WORK/receiver.err" &
RECEIVER_PID=$!
for _ in $(seq 1 100); do grep -q listening "$WORK/receiver.out" 2>/dev/null && break; sleep 0.1; done
RECEIVER_PORT="$(sed -n 's/^listening \([0-9]*\).*/\1/p' "$WORK/receiver.out")"
[ -n "$RECEIVER_PORT" ] || { echo "the receiver did not start" >&2; cat "$WORK/receiver.err" >&2; exit 1; }

# The example municipality, writing through both channels.
cp -r "$ROOT/examples/municipalities" "$WORK/municipalities"
python3 - "$WORK/municipalities/eksempel-kommune.yaml" "$RECEIVER_PORT" "$WORK/print" "$ROOT" <<'PY'
import os, sys, yaml
path, port, folder, root = sys.argv[1:5]
doc = yaml.safe_load(open(path, encoding="utf-8"))
# The workflows stay where the repository has them.
doc["workflows"] = [os.path.join(root, "examples", "municipalities", w) for w in doc.get("workflows", [])]
letters = doc.setdefault("letters", {})
letters.setdefault("letterhead", {}).setdefault("cvr", "29189854")
letters["digital_post"] = {"plugin": "digital_post",
                           "settings": {"mode": "http", "endpoint": f"http://127.0.0.1:{port}/memo", "timeout_seconds": "3"}}
letters["print"] = {"plugin": "print", "settings": {"folder": folder}}
doc["service_areas"]["passports"]["appeals_body"] = "Klageinstansen for pas"
yaml.safe_dump(doc, open(path, "w", encoding="utf-8"), allow_unicode=True, sort_keys=False)
PY
"$SF" --actor anna init --municipality-file "$WORK/municipalities/eksempel-kommune.yaml" >"$APP/cli.txt" 2>&1 || { cat "$APP/cli.txt" >&2; exit 1; }
for p in "$BUILD"/plugins/*.so; do "$SF" --actor anna plugins install "$p" >>"$APP/cli.txt" 2>&1 || { cat "$APP/cli.txt" >&2; exit 1; }; done
head -c 48 /dev/urandom | base64 -w0 >"$APP/signing.key"
chmod 600 "$APP/signing.key"
export SAGSFLOW_SIGNING_KEY_FILE="$APP/signing.key"
props() {  # POLL_MS
  printf 'limits.requests_per_minute = 1000000\nauth.signing_key_file = %s\nletters.poll_milliseconds = %s\nletters.retry_first_seconds = 1\nletters.retry_max_seconds = 1\nletters.lease_seconds = 10\n' \
    "$APP/signing.key" "$1"
}
props 200 >"$APP/server.properties"
props 600000 >"$APP/slow.properties"
. "$ROOT/tests/lib/sagsflow_server.sh"
start_server() {  # PROPERTIES
  start_sagsflow_server "$SF" "$APP/serve" --config "$1"
  PIDS+=("$SERVER_PID")
}
kill9_server() {
  local children
  children="$(pgrep -P "$SERVER_PID" || true)"
  kill -9 "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  for c in $children; do kill -9 "$c" 2>/dev/null || true; done
  PIDS=()
}
start_server "$APP/server.properties"
export FRIDA="$("$SF" token issue --person frida)"
export BO="$("$SF" token issue --person bo)"
export ANNA="$("$SF" token issue --person anna)"
export CITIZEN="$("$SF" token issue --citizen 010490-9989)"
export RECEIVED="$WORK/received" PRINTED="$WORK/print" RECEIVER_LOG="$WORK/receiver.log"

# 1-3: the refusal, the failures, print.
python3 "$ROOT/tests/integration/letters_delivery_checks.py" main "$BASE"
echo "decision letter delivered through Digital Post after the receiver's failures; print for the exempt"

# 4. kill -9 after the commit, before delivery (the worker sleeps 10 minutes after its first round).
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; PIDS=()
start_server "$APP/slow.properties"
sleep 2  # its one round (at start) is over: it sleeps ten minutes now
CASE="$(python3 "$ROOT/tests/integration/letters_delivery_checks.py" open "$BASE" 010490-9989)"
sleep 0.5
kill9_server
"$SF" --json --actor anna letters list --case "$CASE" >"$WORK/queued.json"
python3 -c 'import json,sys; l=json.load(open(sys.argv[1]))["letters"]; assert l and all(x["state"]=="queued" for x in l), l' "$WORK/queued.json" \
  || { echo "the letter of case $CASE was not queued when the server was killed" >&2; cat "$WORK/queued.json" >&2; exit 1; }
start_server "$APP/server.properties"
python3 "$ROOT/tests/integration/letters_delivery_checks.py" delivered-once "$BASE" "$CASE" 1
echo "killed after the commit: the letter of case $CASE was delivered once after the restart"

# 5. kill -9 while the delivery is under way: the receiver is stopped, so the
# plugin's call hangs; the server dies; the receiver then takes the message in.
# The dead server's claim holds the letter until its lease runs out, and the receiver tells the retry by its UUID.
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; PIDS=()
start_server "$APP/server.properties"
kill -STOP "$RECEIVER_PID"
CASE="$(python3 "$ROOT/tests/integration/letters_delivery_checks.py" open "$BASE" 010490-9989)"
# Wait until the worker has the letter in hand (claimed, its document kept), then kill.
python3 "$ROOT/tests/integration/letters_delivery_checks.py" wait-in-flight "$BASE" "$CASE"
sleep 0.5
kill9_server
kill -CONT "$RECEIVER_PID"
sleep 0.5
start_server "$APP/server.properties"
# The dead server's claim runs out (letters.lease_seconds = 10); then this server takes the letter.
python3 "$ROOT/tests/integration/letters_delivery_checks.py" delivered-once "$BASE" "$CASE" 2
echo "killed during delivery: the letter of case $CASE was delivered once after the restart"
