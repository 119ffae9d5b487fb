#!/bin/sh
# Instructions per webhook request (callgrind: a count, not a time, so the
# shared machine's load does not move it), for each daemon build named: the
# build's scanhookd runs under valgrind with a Sonarr and a Jellyfin source,
# gets WARMUP requests of each, then its counters are zeroed and it gets COUNT
# requests of one product, each with its folder renamed so every request
# queues a new folder (as bench/sonarr.lua does). Prints, per build and
# product, the whole daemon's instructions per request and the part spent
# inside the plugin (WebhookSourceBase::handle: reading the JSON and planning
# the events).
# Run from the repository root:
#   sh bench/webhook_cpu.sh [count=400] BUILD_DIR...
# (port 18977, or WEBHOOK_CPU_PORT).
set -eu
count=${1:-400}; shift
warmup=20
port=${WEBHOOK_CPU_PORT:-18977}
work=$(mktemp -d)
cat > "$work/b.ini" <<INI
[server]
listen = 127.0.0.1:$port
database = $work/db/scanhook.db
access_log = false
threads = 8
[queue]
minimum_age = 10m
[target.log]
plugin = log
[source.sonarr]
plugin = sonarr
[source.jellyfin]
plugin = jellyfin
url = http://127.0.0.1:9
token = bench-token
server_token = unused
INI
# POSTs N bodies, the fixture's folder renamed by a number, on one keep-alive
# connection.
post() {  # path fixture folder first_number n
  python3 - "$port" "$@" <<'PY'
import http.client, sys
port, path, fixture, folder, first, n = sys.argv[1:7]
template = open(fixture, "rb").read().decode()
assert folder in template, folder
connection = http.client.HTTPConnection("127.0.0.1", int(port))
for number in range(int(first), int(first) + int(n)):
    body = template.replace(folder, "%s %010d" % (folder, number)).encode()
    connection.request("POST", path, body, {"Content-Type": "application/json"})
    reply = connection.getresponse()
    reply.read()
    assert reply.status == 200, (reply.status, path)
PY
}
printf "%-40s %-9s %14s %14s\n" build product "Ir/request" "in plugin"
for build in "$@"; do
  for product in sonarr jellyfin; do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then
      echo "port $port is taken: set WEBHOOK_CPU_PORT" >&2
      exit 1
    fi
    rm -rf "$work/db" && mkdir -p "$work/db"
    valgrind --tool=callgrind --callgrind-out-file="$work/cg.%p" \
      "$build/bin/scanhookd" --config "$work/b.ini" > "$work/log" 2>&1 &
    pid=$!
    until curl -sf -o /dev/null "http://127.0.0.1:$port/health" || ! kill -0 "$pid" 2>/dev/null; do
      sleep 1
    done
    kill -0 "$pid" 2>/dev/null || { cat "$work/log" >&2; exit 1; }
    sonarr() { post /triggers/sonarr tests/data/sonarr/download.json /tv/Severance "$@"; }
    jellyfin() {
      post "/triggers/jellyfin?token=bench-token" tests/data/jellyfin/item_added_all_properties.json \
        "/tv/Northern Lights (2019)" "$@"
    }
    sonarr 1 "$warmup"; jellyfin 1 "$warmup"
    callgrind_control -z "$pid" > /dev/null 2>&1
    "$product" 1000 "$count"
    callgrind_control -d "$pid" > /dev/null 2>&1
    kill "$pid" || { cat "$work/log" >&2; exit 1; }
    wait "$pid" 2>/dev/null || true
    dump=$(ls "$work"/cg.$pid.* | sort -t. -k3 -n | tail -1)
    total=$(awk '/^summary:/ {print $2}' "$dump")
    inside=$(callgrind_annotate --inclusive=yes --threshold=100 "$dump" 2>/dev/null |
      awk '/WebhookSourceBase::handle\(.*\.so\]$/ {gsub(",", "", $1); n += $1} END {print n + 0}')
    printf "%-40s %-9s %14d %14d\n" "$build" "$product" $((total / count)) $((inside / count))
    [ -n "${WEBHOOK_CPU_KEEP:-}" ] || rm -f "$work"/cg.*
  done
done
[ -n "${WEBHOOK_CPU_KEEP:-}" ] || rm -rf "$work"
