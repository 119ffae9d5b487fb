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
# INI names another configuration (its database under /tmp/bench/, as in
# /tmp/b.ini), e.g. the default [server] keys of /tmp/d.ini; WORK another
# folder for the daemons' databases (default /tmp). Ends with each build's
# medians over its rounds.
set -eu
rounds=$1; shift
port=${PORT:-18322}
ini=${INI:-/tmp/b.ini}
results=$(mktemp)
for _ in $(seq "$rounds"); do
  for build in "$@"; do
    work=${WORK:-/tmp}/bench-$(echo "$build" | tr / _)
    rm -rf "$work"; mkdir -p "$work"
    sed -e "s#/tmp/bench/#$work/#" -e "s#:[0-9]*\$#:$port#" "$ini" > "$work/b.ini"
    binary=build/bin/$build
    if [ -d "$build" ]; then
      binary=$build/bin/scanhookd
      sed -i "s#^\[server\]\$#[server]\nplugin_dir = $PWD/$build/lib/scanhook/plugins#" "$work/b.ini"
    fi
    "$binary" --config "$work/b.ini" > "$work/log" 2>&1 &
    pid=$!
    sleep 1
    echo "$build load average $(cut -d' ' -f1-3 /proc/loadavg)"
    sh bench/ingest_vs_health.sh "$port" 1 5 | sed "s#^#$build #" | grep -v "endpoint\|medians" |
      tee -a "$results"
    kill "$pid"; wait "$pid" 2>/dev/null || true
  done
done
# Per build: the medians of its runs' req/s and of their Sonarr ÷ /health.
for build in "$@"; do
  for column in health api_scan sonarr; do
    printf '%s %s median ' "$build" "$column"
    awk -v b="$build" -v c="$column" '$1 == b && $2 == c {print $3}' "$results" | sort -n |
      awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
  done
  printf '%s sonarr/health median ' "$build"
  awk -v b="$build" '$1 == b && $2 == "ratio" {print $NF}' "$results" | sort -n |
    awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'
done
rm -f "$results"
