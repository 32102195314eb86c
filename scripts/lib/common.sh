# Shared by ./scripts/demo and ./scripts/test. Quiet when nothing needs doing.
# shellcheck shell=bash

SAGSFLOW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${SAGSFLOW_BUILD_DIR:-$SAGSFLOW_ROOT/build}"
# ./scripts/test's clang build of the annotated libraries (thread-safety analysis).
CLANG_BUILD_DIR="${SAGSFLOW_CLANG_BUILD_DIR:-$SAGSFLOW_ROOT/build-clang}"
# The libFuzzer targets of tests/fuzz (clang, ASan, UBSan): ./scripts/test and ./scripts/fuzz.
FUZZ_BUILD_DIR="${SAGSFLOW_FUZZ_BUILD_DIR:-$SAGSFLOW_ROOT/build-fuzz}"

# Debian 12 packages the build needs (see README: Dependencies).
BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-filesystem-dev libsoci-dev libsqlite3-dev libpq-dev
  libpoco-dev libspdlog-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libssl-dev libhowardhinnant-date-dev tzdata
  libcairo2-dev libpango1.0-dev fonts-dejavu-core libmagic-dev libstemmer-dev
)
# What ./scripts/test needs on top: a PostgreSQL server to start and stop, a
# second compiler (clang) to build the vendor template with, openssl for the
# TLS test's certificate, and Debian's chromium with Node.js and npm for the
# browser tests (npm installs playwright-core, which downloads no browser),
# clang's runtimes for the fuzz targets, and dpkg-dev (dpkg-shlibdeps) for the
# Debian package test.
# libclang-rt-14-dev holds libFuzzer and the sanitizer runtimes (clang only recommends it).
TEST_PACKAGES=(postgresql clang libclang-rt-14-dev openssl chromium dpkg-dev poppler-utils python3-yaml python3-aiosmtpd)

# Installs the browser tests' npm packages (playwright-core) from
# tests/browser/package-lock.json when they are missing.
ensure_browser_test_packages() {
  local dir="$SAGSFLOW_ROOT/tests/browser"
  [ -d "$dir/node_modules/playwright-core" ] && [ -d "$dir/node_modules/oidc-provider" ] && return 0
  # Debian's nodejs and npm, unless the machine already has a Node.js with npm.
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
  say "Installing playwright-core and oidc-provider for the browser tests and the demo's sign-in (npm ci)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null) || die "npm ci failed in tests/browser"
}

say() { printf '%s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Installs whichever of the named Debian packages are missing.
ensure_packages() {
  local missing=() p
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  say "Installing Debian packages: ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null ||
    die "apt-get update failed"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null || die "could not install: ${missing[*]}"
}

# Fails when $BUILD_DIR was configured without the test suite
# (-DSAGSFLOW_BUILD_TESTS=OFF): ./scripts/test would otherwise run no test.
require_test_build() {
  local cache="$BUILD_DIR/CMakeCache.txt" value
  [ -f "$cache" ] || return 0   # build_project configures it with the tests (the default)
  value="$(sed -n 's/^SAGSFLOW_BUILD_TESTS:[A-Z]*=//p' "$cache")"
  case "${value^^}" in
    OFF|FALSE|NO|N|0|IGNORE|*-NOTFOUND)
      die "$BUILD_DIR is configured without the tests (SAGSFLOW_BUILD_TESTS=$value): reconfigure it with
  cmake -S $SAGSFLOW_ROOT -B $BUILD_DIR -DSAGSFLOW_BUILD_TESTS=ON
or point SAGSFLOW_BUILD_DIR at another build folder" ;;
  esac
}

# Configures (once) and builds Release into $BUILD_DIR; prints the build log only on failure.
build_project() {
  local log="$BUILD_DIR/build.log"
  mkdir -p "$BUILD_DIR"
  if [ ! -f "$BUILD_DIR/CMakeCache.txt" ]; then
    say "Configuring Sagsflow (Release) in $BUILD_DIR"
    cmake -S "$SAGSFLOW_ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release >"$log" 2>&1 ||
      { cat "$log" >&2; die "cmake configure failed"; }
  fi
  [ -x "$BUILD_DIR/bin/sagsflow" ] || say "Building Sagsflow (the first build takes several minutes on 2 cores)"
  cmake --build "$BUILD_DIR" >"$log" 2>&1 || { cat "$log" >&2; die "the build failed (log: $log)"; }
}

# The libraries whose GUARDED_BY/REQUIRES annotations clang checks.
THREAD_SAFETY_TARGETS=(
  sagsflow_domain sagsflow_config sagsflow_cases sagsflow_organisation sagsflow_engine
  sagsflow_frontdesk sagsflow_reports sagsflow_plugins sagsflow_db sagsflow_app sagsflow_server
)
# Builds THREAD_SAFETY_TARGETS with clang and -DSAGSFLOW_THREAD_SAFETY=ON
# (-Wthread-safety, findings as errors) in $CLANG_BUILD_DIR, unoptimised and
# through ccache when there is one; fails on any thread-safety finding.
check_thread_safety() {
  local log="$CLANG_BUILD_DIR/build.log" launcher=()
  command -v clang++ >/dev/null 2>&1 || die "clang++ is missing (Debian package clang)"
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  mkdir -p "$CLANG_BUILD_DIR"
  if [ ! -f "$CLANG_BUILD_DIR/CMakeCache.txt" ]; then
    say "Configuring the clang thread-safety build in $CLANG_BUILD_DIR"
    CC=clang CXX=clang++ cmake -S "$SAGSFLOW_ROOT" -B "$CLANG_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS_DEBUG=-O0 -DCMAKE_CXX_FLAGS_DEBUG=-O0 -DSAGSFLOW_BUILD_TESTS=OFF \
      -DSAGSFLOW_THREAD_SAFETY=ON "${launcher[@]}" >"$log" 2>&1 ||
      { cat "$log" >&2; die "cmake configure failed for the clang build"; }
  fi
  say "Checking thread-safety annotations (clang -Wthread-safety)"
  cmake --build "$CLANG_BUILD_DIR" --target "${THREAD_SAFETY_TARGETS[@]}" >"$log" 2>&1 ||
    { cat "$log" >&2; die "the clang build failed (log: $log)"; }
  if grep -q -- '-Wthread-safety' "$log"; then
    grep -B2 -A4 -- '-Wthread-safety' "$log" >&2
    die "thread-safety warnings in the clang build (log: $log)"
  fi
}

# Configures (once) $FUZZ_BUILD_DIR with clang and -DSAGSFLOW_FUZZ=ON and builds
# the fuzz targets (and the libraries they need: domain, config), -O1 with
# debug information, through ccache when there is one. With the argument
# unit-tests, also the unit tests (and the rest of the core), which then run
# under the same ASan and UBSan (run_sanitized_unit_tests).
build_fuzz_targets() {
  local targets=(sagsflow_fuzz_targets)
  [ "${1:-}" = unit-tests ] && targets+=(sagsflow_unit_tests)
  local log="$FUZZ_BUILD_DIR/build.log" launcher=()
  command -v clang++ >/dev/null 2>&1 || die "clang++ is missing (Debian package clang)"
  if command -v ccache >/dev/null 2>&1; then
    launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  mkdir -p "$FUZZ_BUILD_DIR"
  if [ ! -f "$FUZZ_BUILD_DIR/CMakeCache.txt" ]; then
    say "Configuring the fuzz build (clang, libFuzzer, ASan, UBSan) in $FUZZ_BUILD_DIR"
    CC=clang CXX=clang++ cmake -S "$SAGSFLOW_ROOT" -B "$FUZZ_BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Debug \
      -DCMAKE_C_FLAGS_DEBUG="-O1 -g" -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g" -DSAGSFLOW_FUZZ=ON \
      -DSAGSFLOW_BUILD_TESTS=ON "${launcher[@]}" >"$log" 2>&1 ||
      { cat "$log" >&2; die "cmake configure failed for the fuzz build"; }
  fi
  say "Building ${targets[*]} in $FUZZ_BUILD_DIR"
  cmake --build "$FUZZ_BUILD_DIR" --target "${targets[@]}" >"$log" 2>&1 ||
    { cat "$log" >&2; die "the fuzz build failed (log: $log)"; }
}

# The fuzz targets' names (tests/fuzz/CMakeLists.txt writes them at configure time).
fuzz_target_names() {
  [ -f "$FUZZ_BUILD_DIR/fuzz_targets.txt" ] || die "no $FUZZ_BUILD_DIR/fuzz_targets.txt: run build_fuzz_targets first"
  grep -v '^$' "$FUZZ_BUILD_DIR/fuzz_targets.txt"
}

# run_fuzz_target NAME SECONDS: runs bin/fuzz_NAME for SECONDS on its seeds
# (tests/fuzz/corpus/NAME, read only) and on the inputs earlier runs found
# ($FUZZ_BUILD_DIR/corpus/NAME, which grows), with tests/fuzz/dict/NAME.dict
# when there is one. Any crash, sanitizer finding, leak, timeout (10 s for
# one input) or memory blow-up (2 GB) fails; the input that did it is saved in
# $FUZZ_BUILD_DIR/findings/NAME/ and its path printed. One summary line on
# standard error either way; the full log is $FUZZ_BUILD_DIR/findings/NAME.log.
run_fuzz_target() {
  local name="$1" seconds="$2"
  local bin="$FUZZ_BUILD_DIR/bin/fuzz_$name" seeds="$SAGSFLOW_ROOT/tests/fuzz/corpus/$name"
  local work="$FUZZ_BUILD_DIR/corpus/$name" findings="$FUZZ_BUILD_DIR/findings/$name"
  local log="$FUZZ_BUILD_DIR/findings/$name.log" dict="$SAGSFLOW_ROOT/tests/fuzz/dict/$name.dict"
  local max_len=65536 options=() status=0 runs artifact started="$SECONDS"
  [ -x "$bin" ] || die "no fuzz target $name ($bin): run build_fuzz_targets first"
  [ "$name" = kle_xml ] && max_len=200000   # KL's emneplan is a large file
  [ -f "$dict" ] && options+=("-dict=$dict")
  mkdir -p "$work" "$findings"
  [ -d "$seeds" ] || seeds=""
  "$bin" -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$findings/" "${options[@]}" "$work" ${seeds:+"$seeds"} >"$log" 2>&1 || status=$?
  runs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)"
  if [ "$status" -eq 0 ]; then
    say "fuzz $name: $((SECONDS - started)) s, ${runs:-?} runs, no finding"
    return 0
  fi
  artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)"
  grep -m 1 -E '^(==[0-9]+==ERROR|SUMMARY|.*broken promise|.*runtime error|.*terminate called)' "$log" >&2 || true
  say "fuzz $name FAILED (exit $status) after $((SECONDS - started)) s; log: $log"
  [ -n "$artifact" ] && say "  reproduce: $bin $artifact"
  return 1
}

# run_fuzz_targets SECONDS [NAME...]: runs the named targets (all by default)
# for SECONDS each, as many at a time as there are cores; fails when any fails.
run_fuzz_targets() {
  local seconds="$1" jobs failed=0 name pids=() names=() i
  shift
  if [ "$#" -eq 0 ]; then mapfile -t names < <(fuzz_target_names); else names=("$@"); fi
  jobs="$(nproc)"
  for name in "${names[@]}"; do
    run_fuzz_target "$name" "$seconds" &
    pids+=("$!")
    if [ "${#pids[@]}" -ge "$jobs" ]; then
      wait "${pids[0]}" || failed=1
      pids=("${pids[@]:1}")
    fi
  done
  for i in "${pids[@]}"; do wait "$i" || failed=1; done
  [ "$failed" -eq 0 ] || die "a fuzz target found a crash (reproducers above; docs/testing.md says how to debug one)"
}

# Runs the unit tests that build_fuzz_targets unit-tests built with ASan and
# UBSan (any finding fails the test binary), within 5 minutes; returns 1 on a
# failure so the caller can go on to the fuzzing.
run_sanitized_unit_tests() {
  local bin="$FUZZ_BUILD_DIR/bin/sagsflow_unit_tests" log="$FUZZ_BUILD_DIR/unit-tests.log"
  [ -x "$bin" ] || die "no $bin: run build_fuzz_targets unit-tests first"
  say "Running the unit tests under ASan and UBSan"
  ASAN_OPTIONS=detect_leaks=1:halt_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    timeout 300 "$bin" >"$log" 2>&1 ||
    { grep -E -A30 'FAILED|ERROR: |runtime error' "$log" | head -n 80 >&2;
      say "error: the unit tests failed under ASan/UBSan (log: $log)"; return 1; }
}
