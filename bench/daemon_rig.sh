# Sourced by the benchmarks that start scanhookd themselves, after they set
# $work (a folder of their own): starting and stopping daemons, queueing
# folders, waiting for a queue to empty, medians. Every pid started is in $pids.
pids=${pids:-}

# launch NAME PORT: writes stdin to $work/NAME.ini, starts ${scanhookd:-build/bin/scanhookd}
# on it (log in $work/NAME.log, pid added to $pids and in $launched) and waits
# until http://127.0.0.1:PORT/health answers; exits the benchmark if it never does.
launch() {
  cat > "$work/$1.ini"
  "${scanhookd:-build/bin/scanhookd}" --config "$work/$1.ini" > "$work/$1.log" 2>&1 &
  launched=$!
  pids="$pids $launched"
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$2/health" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  echo "scanhookd $1 did not start:" >&2; cat "$work/$1.log" >&2; exit 1
}

# stop_all: stops every daemon in $pids (SIGTERM) and waits for each.
stop_all() {
  for pid in $pids; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  pids=""
}

# queue_folders PORT COUNT: POSTs COUNT new folders (/tv/Show 0000000 ...) to
# /api/scan, 10,000 per request (the default max_paths_per_request).
queue_folders() {
  sent=0
  while [ "$sent" -lt "$2" ]; do
    n=$(( $2 - sent < 10000 ? $2 - sent : 10000 ))
    seq "$sent" $((sent + n - 1)) | awk 'BEGIN {printf "{\"paths\": ["} {printf "%s\"/tv/Show %07d\"", (NR > 1 ? "," : ""), $1} END {print "]}"}' > "$work/body.json"
    curl -sf -X POST -H 'Content-Type: application/json' --data-binary @"$work/body.json" \
      "http://127.0.0.1:$1/api/scan" > /dev/null
    sent=$((sent + n))
  done
}

# drain_seconds PORT BEGAN -> seconds from BEGAN (date +%s.%N) until /api/queue is empty
drain_seconds() {
  until curl -sf "http://127.0.0.1:$1/api/queue?limit=1" | grep -q '"total" *: *0[,}]'; do sleep 0.05; done
  awk -v began="$2" -v ended="$(date +%s.%N)" 'BEGIN {printf "%.2f", ended - began}'
}

# median: of the numbers on stdin, one per line
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
