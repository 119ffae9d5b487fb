#!/bin/sh
# Builds the libFuzzer targets of fuzz/ (clang, ASan + UBSan) in their own
# build folder and runs each, one at a time, for SECONDS. Prints each target's
# executions, executions per second and findings; exits 1 if any was found.
#
#   bench/fuzz.sh SECONDS [TARGET ...]      e.g. bench/fuzz.sh 300, bench/fuzz.sh 60 ini
#
# Environment: SCANHOOK_FUZZ_BUILD (default build-fuzz) is the build folder;
# each target's corpus grows in $SCANHOOK_FUZZ_BUILD/fuzz/corpus/<target>
# (kept between runs), its log and any finding (crash-*, leak-*, timeout-*,
# oom-*: the input that caused it) in $SCANHOOK_FUZZ_BUILD/fuzz/findings/.
# Seeds: tests/data's recorded payloads and fuzz/seeds/; dictionaries fuzz/dict/.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 SECONDS [TARGET ...]" >&2; exit 64; }
seconds=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SCANHOOK_FUZZ_BUILD:-$root/build-fuzz}
data=$root/tests/data
seeds=$root/fuzz/seeds
dict=$root/fuzz/dict

all="sonarr_webhook radarr_webhook lidarr_webhook readarr_webhook plex_webhook emby_webhook
jellyfin_webhook http_request form_body ini path_rules json_tree rclone_listing plextv_answer"
targets=${*:-$all}

launcher=""
command -v ccache >/dev/null 2>&1 && launcher="-DCMAKE_CXX_COMPILER_LAUNCHER=ccache"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DSCANHOOK_FUZZ=ON \
  -DSCANHOOK_BUILD_TESTS=OFF -DSCANHOOK_BUILD_BENCH=OFF $launcher >/dev/null
cmake --build "$build" -j2 --target fuzz_all

# seed_dirs TARGET: the folders whose files seed TARGET's corpus.
seed_dirs() {
  case $1 in
    sonarr_webhook | radarr_webhook | lidarr_webhook | readarr_webhook)
      echo "$data/${1%_webhook}" ;;
    plex_webhook | emby_webhook | jellyfin_webhook) echo "$data/${1%_webhook}" ;;
    form_body) echo "$seeds/form_body $data/plex $data/emby" ;;
    json_tree) echo "$data" ;;
    rclone_listing) echo "$data/rclone" ;;
    *) echo "$seeds/$1" ;;
  esac
}
dict_of() {
  case $1 in
    http_request) echo "$dict/http.dict" ;;
    ini) echo "$dict/ini.dict" ;;
    *_webhook | json_tree | rclone_listing) echo "$dict/json.dict" ;;
    *) echo "" ;;
  esac
}

out=$build/fuzz
mkdir -p "$out/findings"
found=0
printf '%-18s %14s %10s  %s\n' target executions "exec/s" findings
for target in $targets; do
  corpus=$out/corpus/$target
  mkdir -p "$corpus"
  # The seeds, flattened (PROVENANCE files and all) into the corpus once.
  if [ -z "$(ls -A "$corpus")" ]; then
    for dir in $(seed_dirs "$target"); do
      find "$dir" -type f | while read -r file; do
        cp "$file" "$corpus/seed-$(echo "$file" | cksum | cut -d' ' -f1)"
      done
    done
  fi
  log=$out/findings/$target.log
  # Inputs an earlier run found stay in findings/: only this run's are reported.
  earlier=$(ls "$out/findings" | grep -E "^$target-(crash|leak|timeout|oom|slow-unit)-" || true)
  dictionary=$(dict_of "$target")
  set +e
  # -timeout: a single input slower than 10 s is a hang; -rss_limit_mb: 2 GiB is an OOM.
  "$out/fuzz_$target" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -max_len=65536 -print_final_stats=1 -artifact_prefix="$out/findings/$target-" \
    ${dictionary:+-dict="$dictionary"} "$corpus" >"$log" 2>&1
  status=$?
  set -e
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
  findings=$(ls "$out/findings" | grep -E "^$target-(crash|leak|timeout|oom|slow-unit)-" |
    grep -vxF "$earlier" || true)
  if [ "$status" -ne 0 ] || [ -n "$findings" ]; then
    found=1
    summary=$(grep -m1 -E "ERROR: |SUMMARY: |runtime error" "$log" || echo "exit $status")
    printf '%-18s %14s %10s  %s\n' "$target" "${runs:-?}" "${rate:-?}" "$summary"
    for file in $findings; do echo "    input: $out/findings/$file"; done
  else
    printf '%-18s %14s %10s  %s\n' "$target" "$runs" "$rate" none
  fi
done
exit $found
