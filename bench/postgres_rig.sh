# Sourced by the PostgreSQL benchmarks after they set $work: a fresh work
# folder and a throwaway PostgreSQL server on loopback (its state file's first
# line, the admin URL, in $admin), stopped on exit with every pid in $pids.
rm -rf "$work"; mkdir -p "$work"
state=$work/server.state
sh tests/postgres/postgres_server.sh start "$state"
admin=$(sed -n 1p "$state")
pids=""
cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  sh tests/postgres/postgres_server.sh stop "$state"
}
trap cleanup EXIT

# launch NAME PORT: writes stdin to $work/NAME.ini, starts ${scanhookd:-build/bin/scanhookd}
# on it (log in $work/NAME.log, pid added to $pids) and waits until
# http://127.0.0.1:PORT/health answers; exits the benchmark if it never does.
launch() {
  cat > "$work/$1.ini"
  "${scanhookd:-build/bin/scanhookd}" --config "$work/$1.ini" > "$work/$1.log" 2>&1 &
  pids="$pids $!"
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$2/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "scanhookd $1 did not start:" >&2; cat "$work/$1.log" >&2; exit 1
}
