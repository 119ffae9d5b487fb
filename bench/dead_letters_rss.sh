#!/bin/sh
# Dead letters at scale: LETTERS bodies of MIB MiB each that Sonarr's plugin
# refuses (not JSON) are kept as dead letters by one daemon; then each of
# RUNS fresh daemons on that database answers GET /api/deadletters (the
# default page) once. Prints, per fresh daemon, its VmRSS before that GET,
# its peak while serving it (VmHWM) and VmRSS after, the answer's size, and
# the peak once it has also answered GET /api/deadletters/1 (one letter
# whole); then the medians. From the repository root, after building scanhookd and
# the sonarr and log plugins:
#   sh bench/dead_letters_rss.sh [RUNS=3] [LETTERS=12] [MIB=10] [PORT=31490]
# SCANHOOKD=path/to/scanhookd measures another build (default build/bin/scanhookd).
set -eu
runs=${1:-3}; letters=${2:-12}; mib=${3:-10}; port=${4:-31490}
scanhookd=${SCANHOOKD:-build/bin/scanhookd}
plugins=$(pwd)/build/lib/scanhook/plugins
work=$(mktemp -d)
. bench/daemon_rig.sh
trap 'stop_all; rm -rf "$work"' EXIT

# A body Sonarr's plugin cannot read: an object never closed.
{ printf '{"eventType": "Download", "series": "'; head -c $((mib * 1048576 - 37)) /dev/zero | tr '\0' 'a'; } > "$work/body"
kib() { awk -v field="$1:" '$1 == field {print $2}' "/proc/$2/status"; }

start() {
  launch daemon "$port" <<INI
[server]
listen = 127.0.0.1:$port
database = $work/scanhook.db
plugin_dir = $plugins
access_log = false
[queue]
dead_letter_count = $letters
dead_letter_bytes = $((letters * mib * 1048576))
[source.sonarr]
[target.log]
INI
}
start
for _ in $(seq "$letters"); do
  curl -s -o /dev/null -X POST -H 'Content-Type: application/json' \
    --data-binary @"$work/body" "http://127.0.0.1:$port/triggers/sonarr"
done
stop_all

echo "run rss_before_kib peak_kib rss_after_kib answer_bytes one_letter_peak_kib"
for run in $(seq "$runs"); do
  start
  before=$(kib VmRSS "$launched")
  bytes=$(curl -sf "http://127.0.0.1:$port/api/deadletters" | wc -c)
  peak=$(kib VmHWM "$launched"); after=$(kib VmRSS "$launched")
  # Then one letter whole (GET /api/deadletters/1: a 10 MiB body as a JSON string).
  curl -sf -o /dev/null "http://127.0.0.1:$port/api/deadletters/1" || true  # (404 before the route)
  echo "$run $before $peak $after $bytes $(kib VmHWM "$launched")" | tee -a "$work/all"
  stop_all
done
column() { awk -v c="$1" '{print $c}' "$work/all" | median; }
echo "medians: VmRSS before $(column 2) KiB, peak $(column 3) KiB, after $(column 4) KiB; answer $(column 5) bytes; peak after one letter whole $(column 6) KiB"
