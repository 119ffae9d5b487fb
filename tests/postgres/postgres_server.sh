#!/bin/sh
# A throwaway PostgreSQL server for the tests, on loopback, as an
# unprivileged user (initdb refuses root: as root it runs as nobody).
#   postgres_server.sh start STATE   initdb + pg_ctl start in a new folder under
#                                    /tmp; writes the admin URL (line 1) and the
#                                    folder (line 2) to the file STATE
#   postgres_server.sh stop STATE    stops it (immediate) and removes the folder
set -eu
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "postgres_server.sh: no PostgreSQL server here (apt-get install postgresql)" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi
}
state=$2
case "$1" in
start)
  dir=$(mktemp -d "${TMPDIR:-/tmp}/scanhook-postgres.XXXXXX")
  chmod 755 "$dir"
  [ "$(id -u)" -ne 0 ] || chown nobody "$dir"
  as_owner "$bindir/initdb" -D "$dir/data" -U scanhook --auth=trust -E UTF8 --no-locale \
    --no-sync >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
  # A port from this folder's name, the next one if it is taken.
  port=$(( 20000 + $(printf '%s' "$dir" | cksum | cut -d' ' -f1) % 30000 ))
  for attempt in 1 2 3 4 5 6 7 8; do
    if as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
         -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories=$dir -c max_connections=300" \
         start >/dev/null 2>&1; then
      printf 'postgresql://scanhook@127.0.0.1:%s/postgres\n%s\n' "$port" "$dir" >"$state"
      exit 0
    fi
    port=$((port + 1))
  done
  cat "$dir/server.log" >&2
  exit 1
  ;;
stop)
  [ -f "$state" ] || exit 0
  dir=$(sed -n 2p "$state")
  as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$dir" "$state"
  ;;
*)
  echo "usage: postgres_server.sh start|stop STATE" >&2
  exit 2
  ;;
esac
