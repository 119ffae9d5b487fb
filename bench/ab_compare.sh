#!/bin/sh
# A/B of whole builds on the headline benchmarks of bench/README.md, for a
# loaded, drifting machine: for each of ROUNDS rounds, each benchmark runs
# once per build, the builds back to back (A, B in odd rounds, B, A in even
# ones), each daemon benchmark on a fresh scanhookd and database. Prints every
# figure as it comes, then per figure the median of each build, the ratio of
# each build's median to the first build's, and the median (min-max) of the
# per-round ratios (the two figures of a round ran a minute or so apart).
# Timings swing with the machine's load; bench/webhook_cpu.sh counts
# instructions per request, which do not.
#
# A build is a build folder (`cmake --build DIR -j2 --target scanhookd
# open_loop queue_bench coalescing_bench front_door_bench rclone_diff_bench`):
# its bin/scanhookd with its own plugins, and its in-process benchmarks
# (queue_bench, rclone_diff_bench, coalescing_bench: they link that build's
# code). The load generators (wrk with bench/*.lua, open_loop,
# front_door_bench) are the same for every build: this tree's, from $TOOLS.
# Build folders are named without white space.
# From the repository root:
#   sh bench/ab_compare.sh ROUNDS BUILD_A BUILD_B [BUILD ...]
#   PORT=31900 ONLY="ingest open_loop" sh bench/ab_compare.sh 5 ../base/build build
# Environment: PORT (18622), ONLY (benchmarks to run, default all: ingest
# open_loop front_door delivery queue_ceiling queue_scale rclone coalescing),
# WRK_SECONDS (5), OPEN_LOOP_SECONDS (10), FOLDERS (20000, delivery),
# TOOLS (build). Raw figures: /tmp/scanhook-ab-PORT/results ("round build
# figure value" lines).
set -eu
if [ $# -lt 3 ]; then
  echo "usage: sh bench/ab_compare.sh ROUNDS BUILD_A BUILD_B [BUILD ...]" >&2
  exit 64
fi
rounds=$1; shift
port=${PORT:-18622}
only=${ONLY:-ingest open_loop front_door delivery queue_ceiling queue_scale rclone coalescing}
wrk_seconds=${WRK_SECONDS:-5}
open_loop_seconds=${OPEN_LOOP_SECONDS:-10}
folders=${FOLDERS:-20000}
tools=${TOOLS:-build}
for build in "$@" "$tools"; do
  [ -x "$build/bin/scanhookd" ] || { echo "$build/bin/scanhookd: not built" >&2; exit 66; }
done
work=/tmp/scanhook-ab-$port
rm -rf "$work"; mkdir -p "$work"
results=$work/results
. bench/daemon_rig.sh
trap stop_all EXIT

record() {  # FIGURE VALUE, for $round and $build
  echo "$round $build $1 $2" >> "$results"
  echo "round $round  $build  $1 $2"
}

# serve MINIMUM_AGE [EXTRA QUEUE LINE]: a fresh database and $build's scanhookd
# on the default [server] keys (no `threads` line), a log target and a Sonarr
# source, like bench/README's /tmp/d.ini; its pid in $launched.
serve() {
  rm -f "$work/daemon.db" "$work/daemon.db-wal" "$work/daemon.db-shm" "$work/daemon.db-queue.lock"
  scanhookd=$build/bin/scanhookd
  launch daemon "$port" <<INI
[server]
listen = 127.0.0.1:$port
database = $work/daemon.db
plugin_dir = $(cd "$build" && pwd)/lib/scanhook/plugins
access_log = false
[queue]
minimum_age = $1
${2:-}
[target.log]
plugin = log
[source.sonarr]
plugin = sonarr
INI
}

ingest() {  # wrk -t2 -c64 through bench/ingest_vs_health.sh: /health, /api/scan, Sonarr
  serve 10m
  sh bench/ingest_vs_health.sh "$port" 1 "$wrk_seconds" 64 > "$work/out"
  stop_all
  for endpoint in health api_scan sonarr; do
    record "wrk64_${endpoint}_req_per_s" "$(awk -v e="$endpoint" '$1 == e {print $2}' "$work/out")"
  done
  record wrk64_sonarr_per_health "$(awk '$1 == "health" {h = $2} $1 == "sonarr" {s = $2} END {printf "%.3f", s / h}' "$work/out")"
  record wrk64_non_2xx_and_timeouts "$(awk 'NF == 6 && $2 ~ /^[0-9.]+$/ {n += $5 + $6} END {print n + 0}' "$work/out")"
}

open_loop() {  # 2,000 req/s over 64 connections, latency from the scheduled send
  serve 10m
  sonarr_body=$(sed 's#"/tv/Severance#"/tv/Severance {n}#' tests/data/sonarr/v4/download.json)
  for endpoint in api_scan health sonarr; do
    case $endpoint in
      api_scan) set -- /api/scan '{"paths": ["/mnt/tv/Show {n}/Season 1"]}' ;;
      health) set -- /health "" ;;
      sonarr) set -- /triggers/sonarr "$sonarr_body" ;;
    esac
    "$tools/bench/open_loop" "$port" "$1" 2000 "$open_loop_seconds" 64 "$2" > "$work/out" 2>&1 || true
    record "open_loop_${endpoint}_p50_ms" "$(awk '/^latency ms/ {print $4}' "$work/out")"
    record "open_loop_${endpoint}_p99_ms" "$(awk '/^latency ms/ {print $8}' "$work/out")"
    record "open_loop_${endpoint}_failed" "$(awk '/counted,/ {for (i = 1; i < NF; ++i) if ($(i + 1) == "failed,") print $i}' "$work/out")"
  done
  stop_all
}

front_door() {  # RSS idle and with 1,000 idle connections; requests among idle + slow clients
  serve 10m
  "$tools/bench/front_door_bench" "$port" "$launched" 1000 100 41 > "$work/out" 2>&1 || true
  stop_all
  record front_door_rss_idle_kib "$(awk '/^daemon RSS/ {print $3}' "$work/out")"
  record front_door_rss_1000_idle_kib "$(awk '/^daemon RSS/ {print $6}' "$work/out")"
  record front_door_kib_per_idle_connection "$(awk '/^daemon RSS/ {print $8}' "$work/out")"
  record front_door_loaded_health_ms "$(awk '/^idle \+ slow/ {for (i = 1; i < NF; ++i) if ($i == "/health") print $(i + 2)}' "$work/out")"
  record front_door_loaded_sonarr_ms "$(awk '/^idle \+ slow/ {for (i = 1; i < NF; ++i) if ($i == "sonarr") print $(i + 2)}' "$work/out")"
  record front_door_failed "$(awk '/^idle \+ slow/ {print $NF}' "$work/out")"
}

delivery() {  # FOLDERS queued, then drained into the log target (bench/postgres_delivery.sh's SQLite leg)
  serve 1h "idle_interval = 100ms"
  queue_folders "$port" "$folders"
  stop_all
  scanhookd=$build/bin/scanhookd
  sed 's/^minimum_age = 1h$/minimum_age = 0s/' "$work/daemon.ini" > "$work/drain.ini"
  began=$(date +%s.%N)
  launch daemon "$port" < "$work/drain.ini"
  seconds=$(drain_seconds "$port" "$began")
  stop_all
  record delivery_folders_per_s "$(awk -v n="$folders" -v s="$seconds" 'BEGIN {printf "%d", n / s}')"
}

queue_ceiling() {  # Queue::enqueue against a plain INSERT, one commit (and fsync) per batch
  rm -rf "$work/q"; mkdir -p "$work/q"
  "$build/bench/queue_bench" ceiling "$work/q" > "$work/out"
  for batch in 1 64 256; do
    record "queue_enqueue_batch${batch}_rows_per_s" "$(awk -v b="$batch" '$1 == b && /Queue::enqueue/ {print $5}' "$work/out")"
  done
  record queue_enqueue_per_insert_batch256 "$(awk '$1 == 256 && /INSERT/ {i = $6} $1 == 256 && /Queue::enqueue/ {q = $5} END {printf "%.3f", q / i}' "$work/out")"
}

queue_scale() {  # 1,000,000 queued folders: enqueue time, picks, RSS
  rm -rf "$work/q"; mkdir -p "$work/q"
  "$build/bench/queue_bench" scale "$work/q" > "$work/out"
  record queue_1m_enqueue_s "$(awk '$1 == 1000000 {print $2}' "$work/out")"
  record queue_1m_pick_none_due_ms "$(awk '$1 == 1000000 {print $4}' "$work/out")"
  record queue_1m_pick_50_ms "$(awk '$1 == 1000000 {print $6}' "$work/out")"
  record queue_1m_peak_rss_mib "$(awk '/^peak RSS/ {print $3}' "$work/out")"
}

rclone() {  # 100,000 files, 1% changed
  "$build/bench/rclone_diff_bench" > "$work/out" || true
  record rclone_diff_ms "$(awk '/^diff \+ events/ {print $(NF - 1)}' "$work/out")"
  record rclone_whole_poll_ms "$(awk '/^whole poll/ {print $(NF - 1)}' "$work/out")"
  record rclone_restart_ms "$(awk '/^restart/ {print $(NF - 1)}' "$work/out")"
  record rclone_peak_rss_mib "$(awk '/^peak RSS overall/ {print $4}' "$work/out")"
}

coalescing() {  # 10,000 events over 1,000 folders from 64 clients, exactly 1,000 scans per target
  rm -rf "$work/c"; mkdir -p "$work/c"
  "$build/bench/coalescing_bench" "$work/c" > "$work/out" || true
  record coalescing_events_per_s "$(awk '/to commit/ {for (i = 1; i < NF; ++i) if ($(i + 1) == "events/s),") print substr($i, 2)}' "$work/out")"
  record coalescing_deliver_s "$(awk '/^delivered/ {print $(NF - 2)}' "$work/out")"
  record coalescing_exact "$(grep -c '; exact$' "$work/out" || true)"
}

# Odd rounds run the builds in the order given, even rounds in reverse (A, B,
# B, A, ...): a build always second would carry what the first leaves behind
# (the other daemon's sockets in TIME_WAIT, a warmer or colder page cache).
first=$1
forward=$*
backward=""
for build in "$@"; do backward="$build $backward"; done
for round in $(seq "$rounds"); do
  order=$forward
  [ $((round % 2)) -eq 1 ] || order=$backward
  for benchmark in $only; do
    for build in $order; do
      record "load_${benchmark}" "$(cut -d' ' -f1 /proc/loadavg)"
      "$benchmark"
    done
  done
done

echo
echo "medians of $rounds rounds; ratio = build ÷ $first (of the medians; and the median (min-max) of the per-round ratios)"
awk -v first="$first" '
  !(($3) in seen) { seen[$3] = 1; figures[++nfigures] = $3 }
  !(($2) in known) { known[$2] = 1; builds[++nbuilds] = $2 }
  { value[$1, $2, $3] = $4; count[$2, $3]++; list[$2, $3] = list[$2, $3] " " $4; if ($1 > maxround) maxround = $1 }
  function median(text,   n, a, i, j, t) {
    n = split(text, a, " ")
    for (i = 2; i <= n; ++i) for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; --j) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    for (f = 1; f <= nfigures; ++f) {
      name = figures[f]
      base = median(list[first, name])
      line = sprintf("%-40s %s %s", name, first, base)
      for (b = 1; b <= nbuilds; ++b) {
        build = builds[b]
        if (build == first) continue
        m = median(list[build, name])
        ratios = ""; lo = ""; hi = ""
        for (r = 1; r <= maxround; ++r) {
          if (!((r, first, name) in value) || !((r, build, name) in value) || value[r, first, name] + 0 == 0) continue
          q = value[r, build, name] / value[r, first, name]
          ratios = ratios " " q
          if (lo == "" || q < lo) lo = q
          if (hi == "" || q > hi) hi = q
        }
        line = line sprintf("  | %s %s  ratio %s", build, m, base + 0 == 0 ? "-" : sprintf("%.2f", m / base))
        if (ratios != "") line = line sprintf(" (per round %.2f, %.2f-%.2f)", median(ratios), lo, hi)
      }
      print line
    }
  }' "$results"
