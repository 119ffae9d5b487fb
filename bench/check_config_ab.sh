#!/bin/sh
# check_config_ab.sh ROUNDS INI BUILD... : median wall µs of `scanhookd --check-config` per build, builds alternating.
rounds=$1; ini=$2; shift 2
for b in "$@"; do : > "${TMPDIR:-/tmp}/check_config_ab.$(echo $b | tr / _)"; done
i=0
while [ $i -lt $rounds ]; do
  for b in "$@"; do
    s=$(date +%s%N); "$b/bin/scanhookd" --check-config --config "$ini" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(( (e - s) / 1000 )) >> "${TMPDIR:-/tmp}/check_config_ab.$(echo $b | tr / _)"
  done
  i=$((i + 1))
done
for b in "$@"; do
  printf '%s median %s us\n' "$b" "$(sort -n "${TMPDIR:-/tmp}/check_config_ab.$(echo $b | tr / _)" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
done
