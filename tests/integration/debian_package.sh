#!/bin/sh
# The .deb for real: builds the packages with CPack from the build folder,
# checks them with lintian, installs them on this machine with dpkg -i, runs
# the installed scanhookd as the scanhook user the way the systemd unit does
# (no systemd here: by hand), checks /health, a webhook and --check-config,
# builds a plugin against the installed SDK, then purges both packages and
# checks that nothing is left: files, the user and group, /var/lib/scanhook.
# Exit 77 (ctest: skipped) with the reason when this machine cannot do it.
set -eu
build_dir=$1
source_dir=$2
. "$source_dir/tests/support/shell_steps.sh"

[ "$(id -u)" -eq 0 ] || skip "installing a .deb needs root (run ctest as root, as CI does)"
for tool in dpkg dpkg-deb dpkg-shlibdeps cpack adduser setpriv curl flock; do
  command -v "$tool" >/dev/null || skip "$tool is missing (sh cmake/install-deps.sh installs it)"
done

# One run at a time on this machine (other build trees run this test too).
exec 9>/run/lock/scanhook-debian-package-test.lock
flock -w 240 9 || fail "another run of this test held the lock for 4 minutes"

# Never touch a scanhook someone installed or a user someone made.
for package in scanhook scanhook-dev; do
  if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "installed"; then
    skip "the package $package is already installed on this machine; not replacing it"
  fi
done
getent passwd scanhook >/dev/null && skip "a user named scanhook already exists; not touching it"
[ -e /var/lib/scanhook ] && skip "/var/lib/scanhook already exists; not touching it"

work=$(mktemp -d)
log="$work/daemon.log"
daemon_pid=""
cleanup() {
  if [ -n "$daemon_pid" ]; then
    kill -KILL "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
  fi
  for package in scanhook-dev scanhook; do
    if dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "installed"; then
      dpkg --purge "$package" >/dev/null 2>&1 || true
    fi
  done
  # Neither existed before this run (checked above): whatever is left is ours.
  getent passwd scanhook >/dev/null && deluser --system --quiet scanhook >/dev/null 2>&1
  getent group scanhook >/dev/null && delgroup --system --quiet scanhook >/dev/null 2>&1
  rm -rf "$work" /var/lib/scanhook
}
trap cleanup EXIT

# 1. Build the packages outside the build tree (-B): the README's cpack -G DEB.
cpack -G DEB -B "$work" --config "$build_dir/CPackConfig.cmake" >"$work/cpack.log" 2>&1 ||
  { cat "$work/cpack.log"; fail "cpack -G DEB"; }
version=$(sed -n 's/.*kVersion = "\(.*\)";/\1/p' "$source_dir/core/include/scanhook/core/app/version.hpp")
arch=$(dpkg --print-architecture)
deb="$work/scanhook_${version}_${arch}.deb"
dev_deb="$work/scanhook-dev_${version}_all.deb"
[ -f "$deb" ] && [ -f "$dev_deb" ] || { ls "$work"; fail "cpack made no $deb and $dev_deb"; }

contents=$(dpkg-deb -c "$deb")
for path in ./usr/bin/scanhookd ./usr/lib/scanhook/plugins/sonarr.so \
            ./usr/lib/scanhook/plugins/plex.so ./usr/lib/scanhook/plugins/log.so \
            ./etc/scanhook/scanhook.ini ./lib/systemd/system/scanhook.service \
            ./usr/share/doc/scanhook/copyright; do
  echo "$contents" | grep -q " $path\$" || fail "$deb does not hold $path"
done
echo "$contents" | grep -q "include/scanhook" && fail "$deb holds SDK headers (they belong in scanhook-dev)"
dev_contents=$(dpkg-deb -c "$dev_deb")
for path in ./usr/include/scanhook/scanhook.hpp ./usr/lib/cmake/scanhook-sdk/scanhook-sdk-config.cmake; do
  echo "$dev_contents" | grep -q " $path\$" || fail "$dev_deb does not hold $path"
done
[ "$(dpkg-deb -f "$deb" Package)" = scanhook ] || fail "the package is not named scanhook"
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
for library in libpoconet80 libpocofoundation80 libstdc++6 adduser libpq5; do
  echo "$depends" | grep -q "$library" || fail "Depends lacks $library (shlibdeps)"
done
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles | grep -qx /etc/scanhook/scanhook.ini ||
  fail "/etc/scanhook/scanhook.ini is not a conffile"

if command -v lintian >/dev/null; then
  lintian --fail-on error --tag-display-limit 0 "$deb" "$dev_deb" >"$work/lintian.log" 2>&1 ||
    { cat "$work/lintian.log"; fail "lintian reports errors"; }
  echo "lintian: no errors ($(grep -c '^W:' "$work/lintian.log" || true) warnings)"
else
  echo "lintian is not installed: the packages were not linted"
fi

# 2. Install.
dpkg -i "$deb" "$dev_deb" >"$work/dpkg.log" 2>&1 || { cat "$work/dpkg.log"; fail "dpkg -i"; }
getent passwd scanhook | grep -q ':/var/lib/scanhook:' || fail "no scanhook system user"
uid=$(id -u scanhook)
[ "$uid" -lt 1000 ] || fail "scanhook is not a system user (uid $uid)"
[ "$(stat -c %U /var/lib/scanhook)" = scanhook ] || fail "/var/lib/scanhook is not owned by scanhook"
unit=/lib/systemd/system/scanhook.service
grep -qx 'ExecStart=/usr/bin/scanhookd --config /etc/scanhook/scanhook.ini' "$unit" ||
  fail "the unit does not start /usr/bin/scanhookd on /etc/scanhook/scanhook.ini"
grep -qx 'RestartPreventExitStatus=65 78' "$unit" || fail "the unit restarts on exit 65/78"
if command -v systemd-analyze >/dev/null; then
  systemd-analyze verify "$unit" >"$work/verify.log" 2>&1 ||
    { cat "$work/verify.log"; fail "systemd-analyze verify $unit"; }
  echo "systemd-analyze verify: ok"
fi

# 3. Run it as the unit would: user scanhook, in /var/lib/scanhook, umask 0077,
# the ExecStartPre check first. Only the port comes from the environment
# (the installed INI's 3030 may be taken on a test machine), and minimum_age
# so the webhook below is delivered at once.
# The lock's descriptor stays with this script: a daemon left behind must not
# hold it. The subshell execs, so $! of a background run is the daemon itself.
as_scanhook='exec 9>&- && cd /var/lib/scanhook && umask 0077 &&
  exec setpriv --reuid scanhook --regid scanhook --init-groups --no-new-privs "$0" "$@"'
sh -c "$as_scanhook" /usr/bin/scanhookd --check-config --config /etc/scanhook/scanhook.ini >"$work/check.log" 2>&1 ||
  { cat "$work/check.log"; fail "scanhookd --check-config on the installed INI"; }
grep -q "configuration OK: /etc/scanhook/scanhook.ini (4 sources, 1 target, 0 services; plugins from /usr/lib/scanhook/plugins)" "$work/check.log" ||
  { cat "$work/check.log"; fail "--check-config did not find the installed plugins"; }

SCANHOOK__SERVER__LISTEN=127.0.0.1:0 SCANHOOK__QUEUE__MINIMUM_AGE=0s \
  sh -c "$as_scanhook" /usr/bin/scanhookd --config /etc/scanhook/scanhook.ini >"$work/daemon.log" 2>&1 &
daemon_pid=$!
wait_until_listening "$daemon_pid" '127\.0\.0\.1'
[ "$(ps -o user= -p "$daemon_pid")" = scanhook ] || fail "scanhookd does not run as scanhook"

health=$(curl -sS --max-time 10 "http://127.0.0.1:$port/health") || fail "GET /health"
echo "/health: $health"
echo "$health" | grep -q '"status":"ok"' || fail "/health is not ok"
echo "$health" | grep -q "\"version\":\"$version\"" || fail "/health has another version"
echo "$health" | grep -q '{"name":"sonarr"' || fail "/health lists no sonarr plugin"

answer=$(curl -sS --max-time 10 -H 'Content-Type: application/json' \
  --data-binary "@$source_dir/tests/data/sonarr/v4/download.json" "http://127.0.0.1:$port/triggers/sonarr")
echo "$answer" | grep -q '"queued":1' || fail "POST /triggers/sonarr answered $answer"
for _ in $(seq 1 100); do
  grep -q "target log: 1 folder in .*1 ok: /tv/Severance/Season 02" "$work/daemon.log" && break
  sleep 0.1
done
grep -q "target log: 1 folder in .*1 ok" "$work/daemon.log" || fail "the webhook's folder was not delivered"
[ "$(stat -c %U /var/lib/scanhook/state/scanhook.db)" = scanhook ] ||
  fail "the database is not in /var/lib/scanhook/state, owned by scanhook"

kill -TERM "$daemon_pid"
wait "$daemon_pid" || fail "scanhookd did not stop cleanly on SIGTERM"
daemon_pid=""

# 4. The SDK package: a plugin builds against /usr and loads in the installed daemon.
cmake -S "$source_dir/tests/fixture_plugins/out_of_tree" -B "$work/hello" -G Ninja >"$work/hello.log" 2>&1 &&
  cmake --build "$work/hello" >>"$work/hello.log" 2>&1 ||
  { cat "$work/hello.log"; fail "building a plugin against the installed scanhook-dev"; }
mkdir "$work/plugins" && cp "$work/hello/hello.so" "$work/plugins/"
printf '[server]\n' >"$work/plugins.ini"
SCANHOOK__SERVER__PLUGIN_DIR="$work/plugins" /usr/bin/scanhookd plugins --config "$work/plugins.ini" |
  grep -q "hello 2.3.4  \[target\]" ||
  fail "the installed scanhookd does not load a plugin built against scanhook-dev"

# 5. Purge: nothing is left.
dpkg --purge scanhook-dev scanhook >"$work/purge.log" 2>&1 || { cat "$work/purge.log"; fail "dpkg --purge"; }
for path in /usr/bin/scanhookd /usr/lib/scanhook /etc/scanhook /lib/systemd/system/scanhook.service \
            /usr/include/scanhook /usr/lib/cmake/scanhook-sdk /usr/share/doc/scanhook \
            /usr/share/doc/scanhook-dev /var/lib/scanhook; do
  [ -e "$path" ] && fail "$path is left after purge"
done
getent passwd scanhook >/dev/null && fail "the scanhook user is left after purge"
getent group scanhook >/dev/null && fail "the scanhook group is left after purge"
dpkg-query -W -f='${Status}' scanhook 2>/dev/null | grep -q installed && fail "scanhook is still installed"
echo "debian package: built, installed, ran as scanhook, answered /health, purged clean"
