#!/usr/bin/env bash
# Proves the vendor path end to end, as a vendor would walk it:
#  1. install the SDK from this build into a fresh prefix (cmake --install)
#     and check it holds only what a vendor uses: the ABI header, the C++
#     wrapper, the helpers, the test kit (headers and libsagsflow_testing.so)
#     and the CMake package; no header of core/ or db/, no core library, and
#     a test-kit library that exports nothing but the test kit's API;
#  2. build examples/vendor-plugin out of tree against that prefix only, with
#     another compiler than the host's when one is there (clang++);
#  3. run the template's own tests (MockHost and PluginHarness);
#  4. install the built plugin into a fresh installation with the real
#     `sagsflow` binary and run a case through it.
# Usage: vendor_template_test.sh BUILD_DIR SOURCE_DIR SAGSFLOW_BINARY
set -euo pipefail
BUILD_DIR=$1 SOURCE_DIR=$2 SAGSFLOW=$3
WORK=$(mktemp -d /tmp/sagsflow-vendor.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
step() { echo "== $*"; }
quietly() { "$@" >"$WORK/step.log" 2>&1 || { cat "$WORK/step.log"; echo "FAILED: $*"; exit 1; }; }

VENDOR_CXX=${SAGSFLOW_VENDOR_CXX:-$(command -v clang++ || command -v g++)}
step "install the SDK into $WORK/prefix"
quietly cmake --install "$BUILD_DIR" --prefix "$WORK/prefix"

step "the installed SDK holds only what vendors use"
PREFIX="$WORK/prefix"
fail() { echo "FAILED: $*"; exit 1; }
# Every installed file is on this list (lib may be lib64 or lib/<multiarch>).
while IFS= read -r f; do
  case "$f" in
    include/sagsflow/plugin_abi.h | include/sagsflow/plugin.hpp | include/sagsflow/plugin_helpers.hpp) ;;
    include/sagsflow/testing/mock_host.hpp | include/sagsflow/testing/plugin_calls.hpp) ;;
    include/sagsflow/testing/plugin_harness.hpp) ;;
    lib*/libsagsflow_testing.so | lib*/libsagsflow_testing.so.*) ;;
    lib*/cmake/Sagsflow/SagsflowConfig.cmake | lib*/cmake/Sagsflow/SagsflowConfigVersion.cmake) ;;
    lib*/cmake/Sagsflow/SagsflowPlugin.cmake | lib*/cmake/Sagsflow/SagsflowTargets*.cmake) ;;
    bin/sagsflow | bin/sagsflow-plugin-host) ;;  # the program and its plugin child, installed by the same build
    *) fail "the installed SDK holds $f, which is not part of what vendors use" ;;
  esac
done < <(cd "$PREFIX" && find . \( -type f -o -type l \) | sed 's|^\./||' | sort)
# No installed header has the name of a core or db header, nor includes one.
while IFS= read -r h; do
  rel=${h#"$SOURCE_DIR"/}
  name=${rel#*/include/}
  [ -e "$PREFIX/include/$name" ] && fail "the installed SDK holds $name, a header of ${rel%%/include/*}"
done < <(find "$SOURCE_DIR"/core/*/include "$SOURCE_DIR"/db/include -type f)
internal='sagsflow/(domain|config|cases|organisation|engine|frontdesk|reports|plugins|db)/'
if grep -rnE "#[[:space:]]*include[[:space:]]*[<\"]$internal" "$PREFIX/include"; then
  fail "an installed header includes a core or db header"
fi
grep -rqE 'FindSOCI|SOCI|PostgreSQL|SQLite3|yaml-cpp|Poco|spdlog' "$PREFIX"/lib*/cmake/Sagsflow \
  && fail "the installed CMake package still asks for the engine's own dependencies"
# The engine inside libsagsflow_testing.so stays hidden: only sagsflow::testing is exported.
lib=$(find "$PREFIX" -name 'libsagsflow_testing.so' | head -n 1)
[ -n "$lib" ] || fail "libsagsflow_testing.so is not installed"
exported=$(nm -DC --defined-only "$lib")
leaked=$(grep 'sagsflow::' <<<"$exported" | grep -v 'sagsflow::testing::' || true)
[ -z "$leaked" ] || { head -n 20 <<<"$leaked"; fail "libsagsflow_testing.so exports core symbols"; }
grep -q 'sagsflow::testing::PluginHarness::create' <<<"$exported" \
  || fail "libsagsflow_testing.so does not export PluginHarness"
step "build the template out of tree with $("$VENDOR_CXX" --version | head -n 1)"
quietly cmake -S "$SOURCE_DIR/examples/vendor-plugin" -B "$WORK/vendor" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$WORK/prefix" -DCMAKE_CXX_COMPILER="$VENDOR_CXX"
quietly cmake --build "$WORK/vendor"
grep -q "$(basename "$SOURCE_DIR")/core" "$WORK/vendor/CMakeCache.txt" && { echo "FAILED: the vendor build saw the source tree"; exit 1; }
step "the template's own tests"
ctest --test-dir "$WORK/vendor" --output-on-failure --no-tests=error | tail -n 3

step "install it into a fresh installation and run a case"
export SAGSFLOW_DB="sqlite:$WORK/installation/sagsflow.db"
export SAGSFLOW_ACTOR=bo  # a caseworker at the example municipality's citizen-service centre
mkdir -p "$WORK/installation"
sf() { "$SAGSFLOW" "$@"; }
quietly sf --actor anna init --municipality-file "$SOURCE_DIR/examples/municipalities/eksempel-kommune.yaml"
sf --actor anna plugins install "$WORK/vendor/template_permit.so"
sf --json --role caseworker case open -w template_permit -f applicant=Jens -f kind=new >"$WORK/open.json"
quietly sf --role caseworker case act 1 register
quietly sf --role caseworker case act 1 complete -f income:=120000 --attach documentation
quietly sf --role caseworker case act 1 grant
sf --json case history 1 --verify >"$WORK/history.json"
grep -q '"replay_matches_state": true' "$WORK/history.json" || { cat "$WORK/history.json"; echo "FAILED: replay"; exit 1; }
grep -q '"kind": "letter_queued"' "$WORK/history.json" || { cat "$WORK/history.json"; echo "FAILED: the plugin did not hear the decision"; exit 1; }
sf case show 1 | grep -q "closed (closed)" || { sf case show 1; echo "FAILED: case not closed"; exit 1; }
echo "vendor template: built out of tree, tested, installed and ran a case"
