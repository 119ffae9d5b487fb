# Sourced by the PostgreSQL benchmarks after they set $work: a fresh work
# folder and a throwaway PostgreSQL server on loopback (its state file's first
# line, the admin URL, in $admin), stopped on exit with every pid in $pids;
# starting daemons and the rest from bench/daemon_rig.sh.
rm -rf "$work"; mkdir -p "$work"
state=$work/server.state
sh tests/postgres/postgres_server.sh start "$state"
admin=$(sed -n 1p "$state")
pids=""
. bench/daemon_rig.sh
cleanup() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; done
  sh tests/postgres/postgres_server.sh stop "$state"
}
trap cleanup EXIT
