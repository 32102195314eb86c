#!/usr/bin/env bash
# The Debian package an operator installs (cpack -G DEB in the build folder):
# it holds the server and CLI, the plugin host and every first-party plugin,
# the systemd unit (own user, private state folder), the configuration as
# conffiles and the maintainer scripts that create the user, the 0700 data
# folder and the signing key; its Depends come from dpkg-shlibdeps; and the
# binary it ships runs.
#   tests/integration/debian_package_test.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
BUILD="$(cd "${1:?usage: debian_package_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
ROOT="$(cd "${2:?usage: debian_package_test.sh BUILD_DIR SOURCE_DIR}" && pwd)"
command -v dpkg-deb >/dev/null && command -v dpkg-shlibdeps >/dev/null ||
  { echo "dpkg-deb or dpkg-shlibdeps (dpkg-dev) missing: skipped"; exit 77; }
WORK="$(mktemp -d /tmp/sagsflow-deb.XXXXXX)"
trap '[ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$BUILD" && cpack -G DEB -B "$WORK/out" >"$WORK/cpack.log" 2>&1) || { cat "$WORK/cpack.log" >&2; fail "cpack failed"; }
DEB="$(ls "$WORK"/out/sagsflow_*.deb 2>/dev/null | head -n 1)"
[ -n "$DEB" ] || { ls -R "$WORK/out" >&2; fail "no sagsflow_*.deb was built"; }
echo "built $(basename "$DEB") ($(du -h "$DEB" | cut -f1))"

dpkg-deb -c "$DEB" | awk '{print $NF}' | sed 's|^\./|/|' >"$WORK/files.txt"
for f in /usr/bin/sagsflow /usr/bin/sagsflow-plugin-host /usr/lib/systemd/system/sagsflow.service \
         /etc/sagsflow/server.properties /etc/default/sagsflow /usr/share/doc/sagsflow/operations.md; do
  grep -qx "$f" "$WORK/files.txt" || fail "the package lacks $f"
done
for manifest in "$ROOT"/plugins/*/*.plugin.yaml; do
  id="$(basename "$(dirname "$manifest")")"
  grep -q "^/usr/lib/sagsflow/plugins/.*$id.*\.so$" "$WORK/files.txt" || fail "the package lacks the plugin $id"
done
grep -q "^/usr/include/" "$WORK/files.txt" && fail "SDK headers do not belong in the server package"

dpkg-deb -f "$DEB" Package Depends >"$WORK/control.txt"
grep -q "^Package: sagsflow$" "$WORK/control.txt" || fail "package name: $(cat "$WORK/control.txt")"
grep -q "^Depends:.*adduser" "$WORK/control.txt" || fail "Depends lacks adduser"
grep -q "^Depends:.*libsoci" "$WORK/control.txt" || fail "Depends lacks the SOCI library (dpkg-shlibdeps did not run?)"
grep -q "^Depends:.*libpoco" "$WORK/control.txt" || fail "Depends lacks Poco"

mkdir -p "$WORK/control" "$WORK/root"
dpkg-deb -e "$DEB" "$WORK/control"
for s in postinst prerm postrm conffiles; do [ -f "$WORK/control/$s" ] || fail "no $s in the package"; done
grep -qx "/etc/sagsflow/server.properties" "$WORK/control/conffiles" || fail "server.properties is no conffile"
grep -q "install -d -m 0700 -o sagsflow" "$WORK/control/postinst" || fail "postinst does not make the 0700 data folder"
grep -q "signing.key" "$WORK/control/postinst" || fail "postinst does not create the signing key"
sh -n "$WORK/control/postinst" && sh -n "$WORK/control/prerm" && sh -n "$WORK/control/postrm" ||
  fail "a maintainer script is not valid sh"

dpkg-deb -x "$DEB" "$WORK/root"
UNIT="$WORK/root/usr/lib/systemd/system/sagsflow.service"
grep -qx "User=sagsflow" "$UNIT" || fail "the unit does not run as the sagsflow user"
grep -qx "StateDirectoryMode=0700" "$UNIT" || fail "the unit's state folder is not 0700"
exec_start="$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$UNIT")"
[ -x "$WORK/root$exec_start" ] || fail "ExecStart $exec_start is not in the package"
config="$(sed -n 's/.*--config \([^ ]*\).*/\1/p' "$UNIT")"
[ -f "$WORK/root$config" ] || fail "the unit's --config $config is not in the package"

# The shipped binary runs, and reads the shipped configuration (its keys are ones the server knows).
"$WORK/root/usr/bin/sagsflow" --help >/dev/null || fail "the packaged sagsflow does not run"
sed -e "s|/var/lib/sagsflow|$WORK/var|g" "$WORK/root$config" >"$WORK/server.properties"
mkdir -p "$WORK/var/plugins" && chmod 700 "$WORK/var"
head -c 48 /dev/urandom | base64 -w0 >"$WORK/var/signing.key" && chmod 600 "$WORK/var/signing.key"
SAGSFLOW_DB="sqlite:$WORK/var/sagsflow.db" "$WORK/root/usr/bin/sagsflow" --actor anna init \
  --municipality-file "$WORK/root/usr/share/sagsflow/examples/municipalities/eksempel-kommune.yaml" >"$WORK/init.txt" 2>&1 ||
  { cat "$WORK/init.txt" >&2; fail "init with the packaged example municipality failed"; }
"$WORK/root/usr/bin/sagsflow" --db "sqlite:$WORK/var/sagsflow.db" serve --config "$WORK/server.properties" --port 0 \
  >"$WORK/serve.out" 2>"$WORK/serve.err" &
pid=$!
for _ in $(seq 1 600); do grep -q serves "$WORK/serve.out" 2>/dev/null && break; sleep 0.1; done
base="$(sed -n 's/.* on \(http[^ ]*\) .*/\1/p' "$WORK/serve.out")"
status="$(curl -s -o /dev/null -w '%{http_code}' "$base/healthz/ready" || true)"
kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
[ "$status" = 200 ] || { cat "$WORK/serve.err" >&2; fail "the packaged server with the packaged configuration is not ready ($status)"; }
echo "the package holds what an operator needs, and its server serves with its configuration"
