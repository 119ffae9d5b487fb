#!/bin/sh
# Delivery throughput on SQLite (the same-run baseline) and on PostgreSQL with
# one and with two scanhookd: FOLDERS folders are queued (minimum_age 1h, so
# nothing is delivered), the daemon is stopped, and one daemon on that SQLite
# file, or one or two on that PostgreSQL database, start with minimum_age 0
# (every folder due at once) and a `log` target (batches of 100, no network);
# the figure is FOLDERS / the seconds from their start until /api/queue is
# empty. Each run has a fresh SQLite file, or a fresh database on a throwaway
# server (tests/postgres/postgres_server.sh).
# From the repository root, after building scanhookd and the plugins:
#   sh bench/postgres_delivery.sh ROUNDS FOLDERS [PORT]
# SCANHOOKD=path/to/scanhookd measures another build (default build/bin/scanhookd).
set -eu
scanhookd=${SCANHOOKD:-build/bin/scanhookd}
rounds=${1:-3}
folders=${2:-20000}
port=${3:-18522}
work=/tmp/scanhook-bench-delivery
. bench/postgres_rig.sh

start() {  # NAME DATABASE MINIMUM_AGE PORT
  launch "$1" "$4" <<INI
[server]
listen = 127.0.0.1:$4
database = $2
instance_name = $1
access_log = false
max_paths_per_request = 10000
[queue]
minimum_age = $3
idle_interval = 100ms
[target.log]
plugin = log
INI
}
fill() {  # DATABASE
  start filler "$1" 1h "$port"
  queue_folders "$port" "$folders"
  stop_all
}

for round in $(seq "$rounds"); do
  for setup in sqlite 1 2; do
    if [ "$setup" = sqlite ]; then
      db="$work/sqlite-$round/scanhook.db"
    else
      db="${admin%/*}/d${setup}_$round"
      psql -q "$admin" -c "CREATE DATABASE d${setup}_$round"
    fi
    fill "$db"
    began=$(date +%s.%N)  # before the start: the daemons deliver from their first second
    start a "$db" 0s "$port"
    [ "$setup" != 2 ] || start b "$db" 0s "$((port + 1))"
    seconds=$(drain_seconds "$port" "$began")
    stop_all
    rate=$(awk -v n="$folders" -v s="$seconds" 'BEGIN {printf "%d", n / s}')
    echo "$rate" >> "$work/rate-$setup"
    echo "round $round: $setup: $folders folders in $seconds s: $rate folders/s"
  done
done
echo "medians (folders/s): sqlite $(median < "$work/rate-sqlite")  postgresql-1 $(median < "$work/rate-1")  postgresql-2 $(median < "$work/rate-2")"
