#!/bin/sh
# Compares daemon builds on the ingest benchmark: for each of ROUNDS rounds,
# each binary in turn gets a fresh database, is started on /tmp/b.ini (see
# bench/README.md) moved to its own folder and to port PORT (default 18322),
# and runs one round of bench/ingest_vs_health.sh. A build is a binary in
# build/bin, or a build directory, whose own plugins it then loads (for
# changes inside plugins). Run from the repository root:
#   cp build/bin/scanhookd build/bin/scanhookd.before   # then rebuild
#   sh bench/ingest_ab.sh 3 scanhookd.before scanhookd
#   PORT=18966 sh bench/ingest_ab.sh 5 before-main/build build
set -eu
rounds=$1; shift
port=${PORT:-18322}
for _ in $(seq "$rounds"); do
  for build in "$@"; do
    work=/tmp/bench-$(echo "$build" | tr / _)
    rm -rf "$work"; mkdir -p "$work"
    sed -e "s#/tmp/bench/#$work/#" -e "s#:[0-9]*\$#:$port#" /tmp/b.ini > "$work/b.ini"
    binary=build/bin/$build
    if [ -d "$build" ]; then
      binary=$build/bin/scanhookd
      sed -i "s#^\[server\]\$#[server]\nplugin_dir = $PWD/$build/lib/scanhook/plugins#" "$work/b.ini"
    fi
    "$binary" --config "$work/b.ini" > "$work/log" 2>&1 &
    pid=$!
    sleep 1
    sh bench/ingest_vs_health.sh "$port" 1 5 | sed "s#^#$build #" | grep -v "endpoint\|medians"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
