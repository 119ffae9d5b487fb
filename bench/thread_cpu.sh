#!/bin/sh
# CPU per request of a running scanhookd, by thread name (reactor, worker,
# committer, syncer), and its voluntary context switches per request: reads
# /proc/PID/task/*/stat and status around one wrk run of SECONDS on
# CONNECTIONS connections for each of GET /health and the Sonarr webhook
# (bench/sonarr.lua), and divides by the requests wrk counted. CPU time is a
# count the machine's load moves less than req/s. Run from the repository root:
#   sh bench/thread_cpu.sh PID PORT [seconds=5] [connections=64]
set -eu
pid=$1; port=$2; seconds=${3:-5}; connections=${4:-64}
ulimit -n "$(ulimit -Hn)"
ticks=$(getconf CLK_TCK)
snapshot() {  # name ticks(user+system) voluntary-switches, one line per thread
  for task in /proc/"$pid"/task/*; do
    name=$(cat "$task/comm")
    cpu=$(sed 's/^.*) //' "$task/stat" | awk '{print $12 + $13}')
    switches=$(awk '/^voluntary_ctxt_switches/ {print $2}' "$task/status")
    echo "$name $cpu $switches"
  done
}
sum() { awk '{cpu[$1] += $2; sw += $3} END {for (n in cpu) print n, cpu[n]; print "switches", sw}'; }
measure() {  # label, wrk arguments...
  label=$1; shift
  before=$(snapshot | sum)
  requests=$(wrk -t2 -c"$connections" -d"${seconds}s" "$@" | awk '/requests in/ {print $1}')
  after=$(snapshot | sum)
  printf '%s\n%s\n' "$before" "$after" | awk -v label="$label" -v n="$requests" -v t="$ticks" '
    seen[$1]++ { d = $2 - first[$1]; total += ($1 == "switches") ? 0 : d;
                 out = out sprintf("  %s %.1f", $1, ($1 == "switches") ? d / n : d * 1e6 / t / n); next }
    { first[$1] = $2 }
    END { printf "%s %d requests, daemon %.1f us/request:%s\n", label, n, total * 1e6 / t / n, out }'
}
measure health "http://127.0.0.1:$port/health"
measure sonarr -s bench/sonarr.lua "http://127.0.0.1:$port/triggers/sonarr"
