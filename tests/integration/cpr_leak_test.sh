#!/usr/bin/env bash
# A scripted session against a real `sagsflow serve` (fresh SQLite file, the
# example municipality) puts a CPR number in every spelling into every free
# text the API and the CLI accept, then collects every output (API answers,
# web pages and assets, CLI output, the server's log, /metrics) and greps all
# of it for each spelling: none may appear in clear.
#   tests/integration/cpr_leak_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: cpr_leak_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
ROOT="$(cd "${2:?usage: cpr_leak_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
SF="$BUILD/bin/sagsflow"
WORK="$(mktemp -d /tmp/sagsflow-cpr-leak.XXXXXX)"
SERVER_PID=""
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null; wait 2>/dev/null || true; [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"; }
trap cleanup EXIT
export SAGSFLOW_DB="sqlite:$WORK/sagsflow.db"
export SAGSFLOW_LOG_LEVEL=debug
OUT="$WORK/outputs"
mkdir -p "$OUT"

# The spellings, each of the same citizen's number 010490-9989 (the case's
# citizen) or of another, 070761-4285, put into free texts.
SPELLINGS=(
  "010490-9989" "0104909989" "010490 9989" "010490/9989" "010490.9989" "010490 - 9989"
  $'010490\u20139989' $'010490\u20149989' $'010490\u00a09989' "01.04.90-9989" "01 04 90 9989"
  "010490%2D9989" "010490%209989" "010490%2F9989"
  "070761-4285" "0707614285" "070761 4285" $'070761\u20134285'
)
# What a leak looks like in any output: the spellings as written, and the
# serial digits right after the date behind any separator (escaped or not).
LEAK_PATTERNS=(
  '(01\D{0,3}04\D{0,3}90|070761)(\s|-|/|\.|\+|%(25){0,3}[0-9A-Fa-f]{2}|\\u[0-9A-Fa-f]{4}|\xc2\xa0|\xe2\x80[\x90-\x94]|\xe2\x88\x92){0,9}(9989|4285)(?!\d)'
)

"$SF" --actor anna init --municipality-file "$ROOT/examples/municipalities/eksempel-kommune.yaml" >"$OUT/cli-init.txt" 2>&1
for p in "$BUILD"/plugins/*.so; do "$SF" --actor anna plugins install "$p" >>"$OUT/cli-init.txt" 2>&1; done
head -c 48 /dev/urandom | base64 -w0 >"$WORK/signing.key"
chmod 600 "$WORK/signing.key"
. "$ROOT/tests/lib/sagsflow_server.sh"
start_sagsflow_server "$SF" "$WORK"

FRIDA="$("$SF" token issue --person frida)"
BO="$("$SF" token issue --person bo)"
ANNA="$("$SF" token issue --person anna)"
CITIZEN="$("$SF" token issue --citizen 010490-9989)"

n=0
# call METHOD PATH TOKEN [BODY]: the answer (headers and body) goes to the outputs.
call() {
  n=$((n + 1))
  local args=(-s -S -i -X "$1" "$BASE$2" -H "Authorization: Bearer $3")
  if [ $# -ge 4 ]; then args+=(-H "Content-Type: application/json" --data-binary "$4"); fi
  curl "${args[@]}" >"$OUT/api-$n.txt" 2>&1 || true
}
body_of() { sed -n '/^\r$/,$p' "$OUT/api-$n.txt" | tail -n +2; }
json_string() { python3 -c 'import json,sys; print(json.dumps(sys.argv[1], ensure_ascii=False))' "$1"; }

# One case per spelling: the title, a field's value and name, the note, the
# attachment kinds carry it; then the usual path and refusals that echo input.
for s in "${SPELLINGS[@]:0:${LEAK_TEST_SPELLINGS:-${#SPELLINGS[@]}}}"; do
  js="$(json_string "$s")"
  call POST /api/v1/cases "$FRIDA" "{\"workflow\":\"passport\",\"citizen_cpr\":\"010490-9989\",\"title\":\"Pas til $(json_string "$s" | tr -d '"')\",\"fields\":{\"full_name\":$js,$js:\"feltnavn\",\"nested\":{\"deep\":[$js]}}}"
  id="$(body_of | python3 -c 'import json,sys; print(json.load(sys.stdin).get("id",""))' 2>/dev/null || true)"
  [ -n "$id" ] || { echo "opening a case failed:"; cat "$OUT/api-$n.txt"; exit 1; }
  call POST "/api/v1/cases/$id/actions/register" "$FRIDA" "{\"note\":$js}"
  call POST "/api/v1/cases/$id/actions/complete" "$FRIDA" \
    "{\"fields\":{\"full_name\":$js,\"height_cm\":180,\"fee_paid\":true},\"attachments\":[{\"name\":\"photo\",\"kind\":$js},{\"name\":\"identity_document\",\"kind\":\"pas $(json_string "$s" | tr -d '"')\"}],\"note\":$js}"
  call POST "/api/v1/cases/$id/actions/$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1]))' "$s")" "$BO" "{}"
  call GET "/api/v1/cases/$id" "$BO"
  call GET "/api/v1/cases/$id/history" "$BO"
  call GET "/api/v1/cases/$id/attachments" "$BO"
  call POST "/api/v1/inquiries" "$FRIDA" "{\"channel\":\"phone\",\"type\":\"general_information\",\"area\":\"passports\",\"outcome\":$js}"
  call POST "/api/v1/inquiries" "$FRIDA" "{\"channel\":$js,\"type\":\"general_information\",\"area\":\"passports\"}"
  call POST "/api/v1/cases" "$FRIDA" "{\"workflow\":$js}"
  call POST "/api/v1/cases" "$FRIDA" "{\"workflow\":\"passport\",\"citizen_cpr\":$js}"
  enc="$(python3 -c 'import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=""))' "$s")"
  call GET "/api/v1/cases/$enc" "$BO"
  call GET "/api/v1/cases/$enc/history" "$BO"
  call GET "/api/v1/worklists/people/$enc" "$BO"
  call GET "/api/v1/worklists/units/$enc" "$BO"
  call GET "/api/v1/areas/$enc/advice" "$FRIDA"
  call GET "/api/v1/admin/workflows/$enc" "$ANNA"
  call GET "/api/v1/cases?stage=$enc" "$BO"
  call GET "/api/v1/admin/audit?actor=$enc&case=$enc" "$ANNA"
  call GET "/api/v1/$enc" "$BO"
  # The CLI: notes, escalation reasons, draft reasons, letters, inquiry outcomes.
  "$SF" --actor bo case note "$id" "note $s" >>"$OUT/cli-note.txt" 2>&1 || true
  "$SF" --actor bo case escalate "$id" --reason "kompleks: $s" >>"$OUT/cli-escalate.txt" 2>&1 || true
  "$SF" --actor bo case draft-decision "$id" --outcome refused --reasons "begrundelse $s" >>"$OUT/cli-draft.txt" 2>&1 || true
  "$SF" --actor bo case letter "$id" --subject "brev om $s" --body "tekst $s" >>"$OUT/cli-letter.txt" 2>&1 || true
  "$SF" --actor frida inquiry register --area passports --channel phone --outcome "ringede: $s" >>"$OUT/cli-inquiry.txt" 2>&1 || true
  "$SF" --actor bo case act "$id" register --field "name $s=$s" --note "$s" >>"$OUT/cli-act.txt" 2>&1 || true
  "$SF" --actor bo case show "$s" >>"$OUT/cli-show-bad.txt" 2>&1 || true
  "$SF" --actor bo case show "$id" >>"$OUT/cli-show.txt" 2>&1 || true
  "$SF" --actor bo --json case show "$id" >>"$OUT/cli-show.json" 2>&1 || true
  "$SF" --actor bo case history "$id" >>"$OUT/cli-history.txt" 2>&1 || true
  "$SF" --actor bo --json case history "$id" >>"$OUT/cli-history.json" 2>&1 || true
done
"$SF" --actor bo case list >"$OUT/cli-list.txt" 2>&1 || true
"$SF" --actor bo --json case list >"$OUT/cli-list.json" 2>&1 || true
"$SF" --actor frida inquiry list >"$OUT/cli-inquiries.txt" 2>&1 || true
"$SF" --actor frida --json inquiry list >"$OUT/cli-inquiries.json" 2>&1 || true
"$SF" --actor anna audit >"$OUT/cli-audit.txt" 2>&1 || true
"$SF" --actor anna report channels >"$OUT/cli-report.txt" 2>&1 || true
call GET /api/v1/cases "$BO"
call GET /api/v1/inquiries "$FRIDA"
call GET /api/v1/worklists/people/bo "$BO"
call GET /api/v1/me/cases "$CITIZEN"
call GET /api/v1/me "$CITIZEN"
call GET /api/v1/admin/audit "$ANNA"
call GET /api/v1/reports/channels "$ANNA"
for page in / /index.html /app.js /style.css /healthz /metrics /api/v1/openapi.json; do call GET "$page" "$BO"; done
kill "$SERVER_PID" 2>/dev/null || true
wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=""
cp "$WORK/serve.out" "$OUT/server-stdout.txt"
cp "$WORK/serve.err" "$OUT/server-log.txt"

# The session must have done something: cases were opened and acted on.
grep -q '"stage":"decision"\|"stage": "decision"' "$OUT"/api-*.txt || { echo "no case reached the decision stage"; exit 1; }

leaks=0
for f in "$OUT"/*; do
  for s in "${SPELLINGS[@]}"; do
    if grep -qF -- "$s" "$f"; then
      echo "LEAK: '$s' in clear in $(basename "$f"):"
      grep -nF -- "$s" "$f" | head -n 3 | cut -c1-300
      leaks=$((leaks + 1))
    fi
  done
  for p in "${LEAK_PATTERNS[@]}"; do
    if grep -qP -- "$p" "$f"; then
      echo "LEAK: a CPR number in clear in $(basename "$f"):"
      grep -noP -- ".{0,60}$p.{0,20}" "$f" | head -n 3 | cut -c1-300
      leaks=$((leaks + 1))
    fi
  done
done
echo "checked $(ls "$OUT" | wc -l) outputs ($(cat "$OUT"/* | wc -c) bytes) for ${#SPELLINGS[@]} spellings: $leaks leaks"
[ "$leaks" -eq 0 ]
