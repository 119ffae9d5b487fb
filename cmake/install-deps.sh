#!/bin/sh
# Installs the Debian packages scanhook builds, runs and tests with, when missing.
# Used by the README's commands; safe to run again (it installs nothing twice).
set -eu
packages="cmake ninja-build g++ pkg-config libpoco-dev libboost-dev catch2 sqlite3 rclone wrk chromium clang-format"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# The machine image may ship its own Node.js; use Debian's only when there is none.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  echo "install-deps: installing$missing"
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The browser tests' one npm package (playwright-core, pinned by package-lock.json).
browser_tests="$(dirname "$0")/../tests/browser"
if [ ! -d "$browser_tests/node_modules/playwright-core" ]; then
  echo "install-deps: npm ci in tests/browser"
  (cd "$browser_tests" && npm ci --no-audit --no-fund --loglevel=error)
fi
