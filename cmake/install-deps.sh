#!/bin/sh
# Installs the Debian packages scanhook builds, runs and tests with, when missing.
# Used by the README's commands; safe to run again (it installs nothing twice).
#   sh cmake/install-deps.sh           everything: build, run, package and test
#   sh cmake/install-deps.sh run       only what building (cmake -S . -B build;
#                                      cmake --build build) and running scanhookd need
#   sh cmake/install-deps.sh package   run's, and what `cpack -G DEB` needs
#   sh cmake/install-deps.sh --list SET  prints SET's packages, one a line, installs nothing
# tests/integration/install_deps_run_list.sh checks that `run` holds the
# package of every library the build finds (find_package, pkg_check_modules).
set -eu
# The compiler, CMake and the libraries the build finds. The default build also
# compiles the tests and benchmarks (SCANHOOK_BUILD_TESTS, SCANHOOK_BUILD_BENCH),
# so Catch2's headers are a build need too; running them is not.
run_packages="cmake ninja-build g++ pkg-config libpoco-dev libboost-dev catch2 libsimdjson-dev libsqlite3-dev libpq-dev libre2-dev libssl-dev"
# The Debian package (cpack -G DEB needs dpkg-shlibdeps) and the README's curl of /health.
package_packages="dpkg-dev curl"
# The tests: a real PostgreSQL server, rclone, Chromium, the Debian package
# linted, the reverse-proxy examples run for real (test_reverse_proxy.cpp),
# the benchmarks' wrk, clang-format; the fuzz targets (bench/fuzz.sh,
# -DSCANHOOK_FUZZ=ON): clang and its libFuzzer.
test_packages="postgresql sqlite3 openssl rclone wrk chromium clang-format lintian nginx-light caddy clang libfuzzer-14-dev"

usage() {
  echo "usage: sh cmake/install-deps.sh [run | package | all]   or   --list run|package|all" >&2
  exit 64
}
packages_of() {
  case "$1" in
    run) echo "$run_packages" ;;
    package) echo "$run_packages $package_packages" ;;
    all) echo "$run_packages $package_packages $test_packages" ;;
    *) usage ;;
  esac
}
if [ "${1:-}" = "--list" ]; then
  [ $# -eq 2 ] || usage
  listed=$(packages_of "$2")
  for p in $listed; do echo "$p"; done
  exit 0
fi
[ $# -le 1 ] || usage
set_name=${1:-all}
packages=$(packages_of "$set_name")

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# The browser tests need Node.js. The machine image may ship its own; use
# Debian's (18) only when there is none. tests/browser pins a playwright-core
# that runs on Node 18 or later.
if [ "$set_name" = all ]; then
  command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
fi
if [ -n "$missing" ]; then
  echo "install-deps: installing$missing"
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
[ "$set_name" = all ] || exit 0

node_major=$(node -p 'process.versions.node.split(".")[0]')
if [ "$node_major" -lt 18 ]; then
  echo "install-deps: the browser tests need Node.js 18 or later; this node is $(node --version)" >&2
  exit 1
fi
# The browser tests' one npm package (playwright-core, pinned by package-lock.json),
# installed again whenever the lock file names another version.
browser_tests="$(dirname "$0")/../tests/browser"
installed=$(cd "$browser_tests" && node -p 'try { require("./node_modules/playwright-core/package.json").version } catch { "" }')
locked=$(cd "$browser_tests" && node -p 'require("./package-lock.json").packages["node_modules/playwright-core"].version')
if [ "$installed" != "$locked" ]; then
  echo "install-deps: npm ci in tests/browser (playwright-core $locked)"
  (cd "$browser_tests" && npm ci --no-audit --no-fund --loglevel=error)
fi
