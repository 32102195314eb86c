# Shared by ./scripts/demo and ./scripts/test. Quiet when nothing needs doing.
# shellcheck shell=bash

SAGSFLOW_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BUILD_DIR="${SAGSFLOW_BUILD_DIR:-$SAGSFLOW_ROOT/build}"
# ./scripts/test's clang build of the annotated libraries (thread-safety analysis).
CLANG_BUILD_DIR="${SAGSFLOW_CLANG_BUILD_DIR:-$SAGSFLOW_ROOT/build-clang}"

# Debian 12 packages the build needs (see README: Dependencies).
BUILD_PACKAGES=(
  build-essential cmake ninja-build pkg-config
  libboost-dev libboost-filesystem-dev libsoci-dev libsqlite3-dev libpq-dev
  libpoco-dev libspdlog-dev libfmt-dev libyaml-cpp-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libssl-dev libhowardhinnant-date-dev tzdata
)
# What ./scripts/test needs on top: a PostgreSQL server to start and stop, a
# second compiler (clang) to build the vendor template with, openssl for the
# TLS test's certificate, and Debian's chromium with Node.js and npm for the
# browser tests (npm installs playwright-core, which downloads no browser).
TEST_PACKAGES=(postgresql clang openssl chromium)

# Installs the browser tests' npm packages (playwright-core) from
# tests/browser/package-lock.json when they are missing.
ensure_browser_test_packages() {
  local dir="$SAGSFLOW_ROOT/tests/browser"
  [ -d "$dir/node_modules/playwright-core" ] && return 0
  # Debian's nodejs and npm, unless the machine already has a Node.js with npm.
  command -v npm >/dev/null 2>&1 || ensure_packages nodejs npm
  say "Installing playwright-core for the browser tests (npm ci)"
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
