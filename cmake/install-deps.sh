#!/bin/sh
# Installs the Debian packages scanhook builds, runs and tests with, when missing.
# Used by the README's commands; safe to run again (it installs nothing twice).
set -eu
packages="cmake ninja-build g++ pkg-config libpoco-dev libboost-dev catch2 libsimdjson-dev libsqlite3-dev libpq-dev postgresql libre2-dev sqlite3 libssl-dev openssl rclone wrk chromium clang-format"
# The Debian package (cpack -G DEB needs dpkg-shlibdeps; its test lints it and checks /health).
packages="$packages dpkg-dev lintian curl"
# The reverse-proxy examples run for real (tests/integration/test_reverse_proxy.cpp).
packages="$packages nginx-light caddy"
# The fuzz targets (bench/fuzz.sh, -DSCANHOOK_FUZZ=ON): clang and its libFuzzer.
packages="$packages clang libfuzzer-14-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# The machine image may ship its own Node.js; use Debian's (18) only when there
# is none. tests/browser pins a playwright-core that runs on Node 18 or later.
command -v npm >/dev/null 2>&1 || missing="$missing nodejs npm"
if [ -n "$missing" ]; then
  echo "install-deps: installing$missing"
  as_root=""
  [ "$(id -u)" -eq 0 ] || as_root="sudo"
  $as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
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
