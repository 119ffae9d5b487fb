#!/bin/sh
# Durable ingest on SQLite, on PostgreSQL with one scanhookd, and with two
# scanhookd on one PostgreSQL database, in the same run, alternating: wrk
# POST /api/scan with bench/ingest.lua (a new folder per request; each 2xx is
# sent after its commit is durable). One instance gets -t2 -c64; two get -t1
# -c32 each at the same time, and their figures add up. PostgreSQL is a
# throwaway server on loopback (tests/postgres/postgres_server.sh: fsync and
# synchronous_commit on, its defaults otherwise), a fresh database per run.
# From the repository root, after building scanhookd and the plugins:
#   sh bench/postgres_ingest.sh ROUNDS SECONDS [PORT]
set -eu
rounds=${1:-3}
seconds=${2:-5}
port=${3:-18422}
work=/tmp/scanhook-bench-postgres
. bench/postgres_rig.sh

start() {  # NAME DATABASE INSTANCE PORT
  launch "$1" "$4" <<INI
[server]
listen = 127.0.0.1:$4
database = $2
instance_name = $3
access_log = false
threads = 64
[queue]
minimum_age = 10m
[target.log]
plugin = log
INI
}
rate() {  # PORT THREADS CONNECTIONS -> requests per second
  wrk -t"$2" -c"$3" -d"${seconds}s" -s bench/ingest.lua "http://127.0.0.1:$1/" \
    | awk '/Requests\/sec/ {printf "%d", $2}'
}

for round in $(seq "$rounds"); do
  start sqlite "$work/sqlite-$round/scanhook.db" one "$port"
  rate "$port" 2 64 >> "$work/sqlite.rates"; echo >> "$work/sqlite.rates"
  stop_all

  psql -q "$admin" -c "CREATE DATABASE one_$round"
  start pg1 "${admin%/*}/one_$round" one "$port"
  rate "$port" 2 64 >> "$work/pg1.rates"; echo >> "$work/pg1.rates"
  stop_all

  psql -q "$admin" -c "CREATE DATABASE two_$round"
  start pg2a "${admin%/*}/two_$round" a "$port"
  start pg2b "${admin%/*}/two_$round" b "$((port + 1))"
  rate "$port" 1 32 > "$work/a.rate" &
  first=$!
  rate "$((port + 1))" 1 32 > "$work/b.rate"
  wait "$first"
  echo $(( $(cat "$work/a.rate") + $(cat "$work/b.rate") )) >> "$work/pg2.rates"
  stop_all
  echo "round $round: sqlite $(tail -n 1 "$work/sqlite.rates")  postgresql-1 $(tail -n 1 "$work/pg1.rates")  postgresql-2 $(tail -n 1 "$work/pg2.rates") req/s"
done
echo "medians (req/s): sqlite $(median < "$work/sqlite.rates")  postgresql-1 $(median < "$work/pg1.rates")  postgresql-2 $(median < "$work/pg2.rates")"
