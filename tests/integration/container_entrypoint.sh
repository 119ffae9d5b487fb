#!/bin/sh
# The container's entrypoint (packaging/container/entrypoint.sh) on its own,
# with the built scanhookd: no container engine runs on the test machines
# (see README: The container). First start: the default INI lands in
# /config, the database in /data owned by PUID:PGID, scanhookd runs as
# PUID:PGID on 0.0.0.0 with credentials and answers /health; without
# credentials it refuses to start and says what to set.
set -eu
build_dir=$1
source_dir=$2
. "$source_dir/tests/support/shell_steps.sh"
[ "$(id -u)" -eq 0 ] || skip "switching to PUID/PGID needs root"
command -v setpriv >/dev/null && command -v curl >/dev/null || skip "setpriv or curl is missing"

work=$(mktemp -d)
chmod 755 "$work"
log="$work/log"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill -KILL "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

entrypoint="$source_dir/packaging/container/entrypoint.sh"
# nobody:nogroup stand in for the host user of the media stack.
export PUID=65534 PGID=65534
export SCANHOOKD="$build_dir/bin/scanhookd" SCANHOOK_DEFAULT_INI="$source_dir/etc/scanhook.ini"
export SCANHOOK_CONFIG_DIR="$work/config" SCANHOOK_DATA_DIR="$work/data"

# Without credentials: refused before anything listens, with the fix named.
if SCANHOOK__SERVER__LISTEN=0.0.0.0:0 sh "$entrypoint" >"$work/log" 2>&1; then
  fail "the entrypoint started scanhookd on 0.0.0.0 without credentials"
else
  code=$?
fi
[ "$code" -eq 78 ] || fail "exit code $code, expected 78 (configuration error)"
grep -q "set SCANHOOK__SERVER__USERNAME and SCANHOOK__SERVER__PASSWORD" "$work/log" ||
  fail "the refusal does not say what to set"
cmp -s "$work/config/scanhook.ini" "$source_dir/etc/scanhook.ini" ||
  fail "the default INI was not copied to /config"

# With credentials (a free port instead of 3030 on a test machine).
SCANHOOK__SERVER__USERNAME=admin SCANHOOK__SERVER__PASSWORD=s3cret \
  SCANHOOK__SERVER__LISTEN=0.0.0.0:0 sh "$entrypoint" >"$work/log" 2>&1 &
pid=$!
wait_until_listening "$pid" '0\.0\.0\.0'
[ "$(ps -o uid= -p "$pid" | tr -d ' ')" = 65534 ] || fail "scanhookd does not run as PUID 65534"
[ "$(ps -o gid= -p "$pid" | tr -d ' ')" = 65534 ] || fail "scanhookd does not run as PGID 65534"
curl -fsS --max-time 10 "http://127.0.0.1:$port/health" | grep -q '"status":"ok"' ||
  fail "/health did not answer ok"
[ "$(stat -c %u:%g "$work/data/scanhook.db")" = 65534:65534 ] ||
  fail "the database is not in /data owned by PUID:PGID"
grep -q "URL http://.*:$port/triggers/sonarr, Method POST, Username and Password" "$work/log" ||
  fail "the banner does not give the webhook URL with credentials"
kill -TERM "$pid"
wait "$pid" || fail "scanhookd did not stop cleanly"
pid=""
echo "container entrypoint: ok"
