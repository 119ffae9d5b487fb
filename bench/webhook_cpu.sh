#!/bin/sh
# Instructions per webhook request (callgrind: a count, not a time, so the
# shared machine's load does not move it), for each daemon build named: the
# build's scanhookd runs under valgrind with a Sonarr and a Jellyfin source,
# gets WARMUP requests of each, then its counters are zeroed and it gets COUNT
# requests of one product, each naming a new folder so every request queues
# one (as bench/sonarr.lua does). Jellyfin's webhook names no path (plugin
# v1-v21), so the source looks the ItemId up: a fake Jellyfin on PORT+1
# (python3, outside valgrind) answers GET .../Items?ids=<id> with one episode
# in a folder named after the id. Prints, per build and
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
url = http://127.0.0.1:$((port + 1))
token = bench-token
server_token = unused
INI
# POSTs N bodies, the fixture's folder or item id made unique by a number, on
# one keep-alive connection.
post() {  # path fixture marker first_number n
  python3 - "$port" "$@" <<'PY'
import http.client, sys
port, path, fixture, marker, first, n = sys.argv[1:7]
template = open(fixture, "rb").read().decode()
assert marker in template, marker
connection = http.client.HTTPConnection("127.0.0.1", int(port))
for number in range(int(first), int(first) + int(n)):
    # A folder gets " <number>" after its name; a 32-digit id its last ten digits.
    unique = (marker[:-10] + "%010d" % number if marker.startswith('"ItemId"')
              else "%s %010d" % (marker, number))
    body = template.replace(marker, unique).encode()
    connection.request("POST", path, body, {"Content-Type": "application/json"})
    reply = connection.getresponse()
    reply.read()
    assert reply.status == 200, (reply.status, path)
PY
}
# The lookup's answer, shaped as Jellyfin 10.11's BaseItemDto query result.
python3 - "$((port + 1))" <<'PY' &
import http.server, json, sys, urllib.parse
class Jellyfin(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        query = urllib.parse.parse_qs(urllib.parse.urlparse(self.path).query)
        item = query.get("ids", ["0"])[0]
        body = json.dumps({"Items": [{"Name": "The Long Night", "Id": item, "Type": "Episode",
                                      "IsFolder": False,
                                      "Path": "/tv/Northern Lights %s/Season 02/S02E03.mkv" % item}],
                           "TotalRecordCount": 1, "StartIndex": 0}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Jellyfin).serve_forever()
PY
fake=$!
pid=""
# The fake and a daemon left by a failed step would hold their ports for the next run.
trap 'kill $fake $pid 2>/dev/null || true' EXIT
trap 'exit 1' INT TERM
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
    sonarr() { post /triggers/sonarr tests/data/sonarr/v4/download.json /tv/Severance "$@"; }
    jellyfin() {
      post "/triggers/jellyfin?token=bench-token" \
        tests/data/jellyfin/plugin-v18/item_added_all_properties.json \
        '"ItemId":"9a1be3c56f2d4d8ea7b01c2d3e4f5a6b' "$@"
    }
    sonarr 1 "$warmup"; jellyfin 1 "$warmup"
    callgrind_control -z "$pid" > /dev/null 2>&1
    "$product" 1000 "$count"
    callgrind_control -d "$pid" > /dev/null 2>&1
    kill "$pid" || { cat "$work/log" >&2; exit 1; }
    wait "$pid" 2>/dev/null || true
    dump=$(ls "$work"/cg.$pid.* | sort -t. -k3 -n | tail -1)
    pid=""
    total=$(awk '/^summary:/ {print $2}' "$dump")
    inside=$(callgrind_annotate --inclusive=yes --threshold=100 "$dump" 2>/dev/null |
      awk '/WebhookSourceBase::handle\(.*\.so\]$/ {gsub(",", "", $1); n += $1} END {print n + 0}')
    printf "%-40s %-9s %14d %14d\n" "$build" "$product" $((total / count)) $((inside / count))
    [ -n "${WEBHOOK_CPU_KEEP:-}" ] || rm -f "$work"/cg.*
  done
done
[ -n "${WEBHOOK_CPU_KEEP:-}" ] || rm -rf "$work"
