#!/usr/bin/env bash
# Notifications reach staff, end to end, on a real `sagsflow serve` (SQLite)
# and a real SMTP sink on 127.0.0.1 (Debian's python3-aiosmtpd, writing a
# Maildir):
#   - a passport case that lands, unclaimed, in Borgerservice's queue for its
#     decision tells Bo (his staff entry asks for "queue") in the pages and by
#     e-mail, not Frida, who put it there;
#   - Bo, as team leader, handing the case to Frida tells her ("assigned");
#   - each mail names the case number and links to the case page, and holds
#     no CPR number, no name and nothing of the form;
#   - Bo reads his in GET /api/v1/notifications and marks them read;
#   - while the relay is down a mail waits (pending) and is sent once it is back.
#   tests/integration/notification_mail_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: notification_mail_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
ROOT="$(cd "${2:?usage: notification_mail_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
SF="$BUILD/bin/sagsflow"
PY=/usr/bin/python3  # Debian's, which has python3-aiosmtpd and python3-yaml
"$PY" -c 'import aiosmtpd' 2>/dev/null || { echo "python3-aiosmtpd is missing (apt-get install python3-aiosmtpd)" >&2; exit 1; }
WORK="$(mktemp -d /tmp/sagsflow-mail.XXXXXX)"
PIDS=()
SINK_PID=""
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -n "$SINK_PID" ] && kill "$SINK_PID" 2>/dev/null || true
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT
APP="$WORK/app"
mkdir -p "$APP/plugins" "$APP/serve"
chmod 700 "$APP"
export SAGSFLOW_DB="sqlite:$APP/sagsflow.db"
export SAGSFLOW_PLUGIN_DIR="$APP/plugins"

SMTP_PORT="$("$PY" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
start_sink() {
  "$PY" -m aiosmtpd -n -l "127.0.0.1:$SMTP_PORT" -c aiosmtpd.handlers.Mailbox "$WORK/maildir" >"$WORK/sink.out" 2>&1 &
  SINK_PID=$!
  for _ in $(seq 1 100); do
    "$PY" -c "import socket,sys; s=socket.socket(); sys.exit(s.connect_ex(('127.0.0.1', $SMTP_PORT)))" && return 0
    sleep 0.1
  done
  echo "the SMTP sink did not start" >&2; cat "$WORK/sink.out" >&2; exit 1
}
start_sink

# The example municipality; Bo (made a team leader) and Frida (made a caseworker) have addresses, Bo asks for his unit's queue too.
cp -r "$ROOT/examples/municipalities" "$WORK/municipalities"
"$PY" - "$WORK/municipalities/eksempel-kommune.yaml" "$ROOT" <<'PY'
import os, sys, yaml
path, root = sys.argv[1:3]
doc = yaml.safe_load(open(path, encoding="utf-8"))
doc["workflows"] = [os.path.join(root, "examples", "municipalities", w) for w in doc.get("workflows", [])]
for s in doc["staff"]:
    if s["id"] == "bo":
        s["email"] = "bo.larsen@kommune.example"
        s["notify"] = ["queue", "assigned", "missing_received", "deadline_near"]
        s["roles"] = s["roles"] + ["teamleader"]
    if s["id"] == "frida":
        s["email"] = "frida.hansen@kommune.example"
        s["roles"] = s["roles"] + ["caseworker"]  # so the case can be handed to her
yaml.safe_dump(doc, open(path, "w", encoding="utf-8"), allow_unicode=True, sort_keys=False)
PY
"$SF" --actor anna init --municipality-file "$WORK/municipalities/eksempel-kommune.yaml" >"$APP/cli.txt" 2>&1 || { cat "$APP/cli.txt" >&2; exit 1; }
for p in "$BUILD"/plugins/*.so; do "$SF" --actor anna plugins install "$p" >>"$APP/cli.txt" 2>&1 || { cat "$APP/cli.txt" >&2; exit 1; }; done
head -c 48 /dev/urandom | base64 -w0 >"$APP/signing.key"
chmod 600 "$APP/signing.key"
export SAGSFLOW_SIGNING_KEY_FILE="$APP/signing.key"
cat >"$APP/server.properties" <<PROPS
limits.requests_per_minute = 1000000
auth.signing_key_file = $APP/signing.key
letters.poll_milliseconds = 200
mail.smtp_host = 127.0.0.1
mail.smtp_port = $SMTP_PORT
mail.from = sagsflow@kommune.example
mail.public_url = https://sagsflow.kommune.example
mail.retry_first_seconds = 1
mail.retry_max_seconds = 1
PROPS
. "$ROOT/tests/lib/sagsflow_server.sh"
start_sagsflow_server "$SF" "$APP/serve" --config "$APP/server.properties"
PIDS+=("$SERVER_PID")
export FRIDA="$("$SF" token issue --person frida)"
export BO="$("$SF" token issue --person bo)"
export MAILDIR="$WORK/maildir"

"$PY" "$ROOT/tests/integration/notification_mail_checks.py" main "$BASE"
echo "a case in Bo's unit's queue reached him, and a case handed to Frida reached her, in the pages and by e-mail"

# The relay goes down: the mail waits, and goes once the relay is back.
kill "$SINK_PID"; wait "$SINK_PID" 2>/dev/null || true; SINK_PID=""
CASE="$("$PY" "$ROOT/tests/integration/notification_mail_checks.py" to-queue "$BASE")"
"$PY" "$ROOT/tests/integration/notification_mail_checks.py" mail-waits "$BASE" "$CASE"
start_sink
"$PY" "$ROOT/tests/integration/notification_mail_checks.py" mailed "$BASE" "$CASE"
grep -q "notification mail .* not sent" "$APP/serve/serve.err" || { echo "the failed attempt was not logged" >&2; exit 1; }
! grep -q "bo.larsen@" "$APP/serve/serve.err" || { echo "the log names the address" >&2; exit 1; }
echo "with the relay down the mail waited, and was sent when the relay came back"
