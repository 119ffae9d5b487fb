#!/bin/sh
# Compares daemon builds on the ingest benchmark: for each of ROUNDS rounds,
# each binary in turn gets a fresh database, is started on /tmp/b.ini (see
# bench/README.md) moved to its own folder and to port 18322, and runs one
# round of bench/ingest_vs_health.sh. Run from the repository root:
#   cp build/bin/scanhookd build/bin/scanhookd.before   # then rebuild
#   sh bench/ingest_ab.sh 3 scanhookd.before scanhookd
set -eu
rounds=$1; shift
for binary in "$@"; do rm -rf "/tmp/bench-$binary"; done
for _ in $(seq "$rounds"); do
  for binary in "$@"; do
    mkdir -p "/tmp/bench-$binary"
    sed -e "s#/tmp/bench/#/tmp/bench-$binary/#" -e "s#:[0-9]*\$#:18322#" /tmp/b.ini \
      > "/tmp/bench-$binary/b.ini"
    "build/bin/$binary" --config "/tmp/bench-$binary/b.ini" > "/tmp/bench-$binary/log" 2>&1 &
    pid=$!
    sleep 1
    sh bench/ingest_vs_health.sh 18322 1 5 | sed "s/^/$binary /" | grep -v "endpoint\|medians"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
