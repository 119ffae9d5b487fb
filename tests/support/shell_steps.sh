# Sourced by the shell tests that run a real scanhookd (debian_package.sh,
# container_entrypoint.sh): how they skip, fail and wait for the daemon.
# A test sets `log` to the file its daemon writes, once there is one.

# Exit 77 (ctest: skipped) with the reason.
skip() { echo "SKIPPED: $*"; exit 77; }

# Exit 1 with the reason, and the daemon's log when there is one.
fail() {
  echo "FAILED: $*"
  if [ -n "${log:-}" ] && [ -f "$log" ]; then echo "--- $log"; cat "$log"; fi
  exit 1
}

# wait_until_listening PID ADDRESS: sets `port` once the scanhookd of PID
# logs "listening on http://ADDRESS:PORT" to $log (ADDRESS as a sed pattern,
# e.g. 127\.0\.0\.1); fails when it exits first or 20 s pass.
wait_until_listening() {
  port=""
  for _ in $(seq 1 200); do
    # The daemon's shell may not have made $log yet (and set -e would end
    # the test on sed's "can't read").
    port=$(sed -n "s/.*listening on http:\/\/$2:\([0-9]*\).*/\1/p" "$log" 2>/dev/null || true)
    [ -n "$port" ] && return 0
    kill -0 "$1" 2>/dev/null || fail "scanhookd exited before it listened"
    sleep 0.1
  done
  fail "scanhookd did not listen within 20 s"
}
