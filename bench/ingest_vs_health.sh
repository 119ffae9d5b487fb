#!/bin/sh
# Durable ingest vs /health against one running scanhookd, alternating
# (/health, /api/scan, Sonarr webhook) for ROUNDS rounds of SECONDS each, on
# CONNECTIONS connections; prints each run and the medians. Run from the
# repository root:
#   sh bench/ingest_vs_health.sh [port=18222] [rounds=3] [seconds=5] [connections=64]
set -eu
port=${1:-18222}; rounds=${2:-3}; seconds=${3:-5}; connections=${4:-64}
# wrk needs a descriptor per connection: past the usual soft limit of 1,024.
ulimit -n "$(ulimit -Hn)"
url=http://127.0.0.1:$port
out=$(mktemp -d)
run() {  # name, wrk arguments...
  name=$1; shift
  wrk -t2 -c"$connections" -d"${seconds}s" --latency "$@" >"$out/run" 2>&1
  rps=$(awk '/Requests\/sec/ {print $2}' "$out/run")
  p50=$(awk '$1 == "50%" {print $2}' "$out/run")
  p99=$(awk '$1 == "99%" {print $2}' "$out/run")
  bad=$(awk '/Non-2xx/ {print $NF}' "$out/run")
  timeouts=$(awk '/Socket errors/ {print $NF}' "$out/run")
  echo "$name $rps $p50 $p99 ${bad:-0} ${timeouts:-0}" | tee -a "$out/all"
}
echo "endpoint req/s p50 p99 non-2xx timeouts"
for _ in $(seq "$rounds"); do
  run health "$url/health"
  run api_scan -s bench/ingest.lua "$url/api/scan"
  run sonarr -s bench/sonarr.lua "$url/triggers/sonarr"
done
median() { grep "^$1 " "$out/all" | awk '{print $2}' | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
health=$(median health); scan=$(median api_scan); sonarr=$(median sonarr)
echo "medians: /health $health  /api/scan $scan  sonarr $sonarr"
awk -v h="$health" -v a="$scan" -v s="$sonarr" 'BEGIN {printf "ratio /api/scan / /health %.2f   sonarr / /health %.2f\n", a / h, s / h}'
rm -rf "$out"
