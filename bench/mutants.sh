#!/usr/bin/env bash
# Mutation testing: applies each one-line mutant of bench/mutants.txt to a
# scratch copy of the tree (git archive of HEAD: commit first), builds it, and
# runs the test the list says must kill it; when that test passes, the whole
# ctest suite runs, and a mutant nothing kills is reported as SURVIVED.
# Prints a Markdown table (also left in $MUTANTS_DIR/table.md); the exit code
# is the number of mutants not killed by their own test.
#
#   bench/mutants.sh [LIST]          # default bench/mutants.txt
#   MUTANTS_ONLY=wake bench/mutants.sh   # one mutant by id
#
# One scratch build (ccache, -j2) serves every mutant: each mutant is applied,
# built (only its file recompiles, then the links), tested and reverted in turn.
set -euo pipefail

repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
list=${1:-$repo/bench/mutants.txt}
# Inside the worktree (ignored by git as /build*/), with the build beside the
# sources as in the README: under ccache's base_dir the scratch build then
# hits the cache of the worktree's own build.
work=${MUTANTS_DIR:-$repo/build-mutants}
only=${MUTANTS_ONLY:-}
src=$work/src
build=$src/build
mkdir -p "$work"

# A run stopped part-way may have left a mutant applied.
if [ -d "$work/orig" ]; then
  (cd "$work/orig" && find . -type f) | while IFS= read -r f; do cp "$work/orig/$f" "$src/$f"; done
fi
commit=$(git -C "$repo" rev-parse HEAD)
previous=$(cat "$work/commit" 2>/dev/null || true)
if [ -n "$previous" ] && [ -d "$src" ] && git -C "$repo" cat-file -e "$previous" 2>/dev/null; then
  # Only the files that changed since the last run: the rest keep their mtimes.
  git -C "$repo" diff --name-only --diff-filter=D "$previous" "$commit" |
    while IFS= read -r f; do rm -f "$src/$f"; done
  mapfile -t changed < <(git -C "$repo" diff --name-only --diff-filter=d "$previous" "$commit")
  [ "${#changed[@]}" -eq 0 ] || git -C "$repo" archive "$commit" -- "${changed[@]}" | tar -x -C "$src"
else
  rm -rf "$src"
  mkdir -p "$src"
  git -C "$repo" archive "$commit" | tar -x -C "$src"
fi
rm -rf "$work/orig"
echo "$commit" >"$work/commit"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
  -DCMAKE_C_COMPILER_LAUNCHER=ccache >"$work/configure.log"
echo "building the unmutated tree $commit in $build" >&2
cmake --build "$build" -j2 >"$work/build.log" 2>&1 || {
  echo "the unmutated tree does not build: see $work/build.log" >&2
  exit 100
}

# Catch2 reads ',' and '[' in a test spec as syntax.
catch_spec() { printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e 's/,/\\,/g' -e 's/\[/\\[/g'; }

# run_test "BINARY NAME...": 0 when the test passes.
run_test() {
  local binary=${1%% *} name=${1#* }
  # --warn NoTests: a name that matches no test fails instead of passing.
  timeout 600 "$build/tests/$binary" --warn NoTests "$(catch_spec "$name")" >"$work/test.log" 2>&1
}

# replace FILE FROM TO: exactly one occurrence of the line FROM becomes TO.
replace() {
  FROM=$2 TO=$3 perl -0777 -i -pe '
    BEGIN { $from = $ENV{FROM}; $to = $ENV{TO} }
    my $count = () = /^\Q$from\E$/mg;
    die "found $count times, not once\n" unless $count == 1;
    s/^\Q$from\E$/$to/m;' "$1"
}

declare -a ids whats tests specs  # specs: "FILE<US>FROM<US>TO<RS>..." per mutant
id="" what="" test="" spec="" file="" from=""
flush() {
  [ -n "$id" ] || return 0
  ids+=("$id")
  whats+=("$what")
  tests+=("$test")
  specs+=("$spec")
  id="" spec="" what="" test=""
}
while IFS= read -r line || [ -n "$line" ]; do
  case $line in
    "#"* | "") ;;
    "id: "*) flush; id=${line#id: } ;;
    "what: "*) what=${line#what: } ;;
    "file: "*) file=${line#file: } ;;
    "-"*) from=${line#-} ;;
    "+"*) spec+="$file"$'\x1f'"$from"$'\x1f'"${line#+}"$'\x1e' ;;
    "test: "*) test=${line#test: } ;;
    *) echo "$list: cannot read: $line" >&2; exit 100 ;;
  esac
done <"$list"
flush

table="| mutant | what it breaks | test expected to kill it | result |
| --- | --- | --- | --- |"
# A test that fails without its mutant proves nothing about it.
for i in "${!ids[@]}"; do
  [ -z "$only" ] || [ "$only" = "${ids[$i]}" ] || continue
  run_test "${tests[$i]}" || {
    echo "${tests[$i]}: fails on the unmutated tree: see $work/test.log" >&2
    exit 100
  }
done

not_killed=0
for i in "${!ids[@]}"; do
  [ -z "$only" ] || [ "$only" = "${ids[$i]}" ] || continue
  echo "== ${ids[$i]}" >&2
  changed=()
  applied=yes
  IFS=$'\x1e' read -r -d '' -a edits < <(printf '%s\0' "${specs[$i]}")
  for edit in "${edits[@]}"; do
    [ -n "$edit" ] || continue
    IFS=$'\x1f' read -r f from to <<<"$edit"
    [ -f "$work/orig/$f" ] || { mkdir -p "$(dirname "$work/orig/$f")"; cp "$src/$f" "$work/orig/$f"; }
    changed+=("$f")
    if ! replace "$src/$f" "$from" "$to" 2>"$work/apply.log"; then
      applied="not applied ($f: $(cat "$work/apply.log"))"
      break
    fi
  done
  if [ "$applied" != yes ]; then
    result=$applied
  elif ! cmake --build "$build" -j2 >"$work/build.log" 2>&1; then
    result="does not build"
  elif ! run_test "${tests[$i]}"; then
    result="killed"
  elif ! ctest --test-dir "$build" -j2 >"$work/ctest.log" 2>&1; then
    result="killed, but only by: $(grep -E '^ *[0-9]+ - ' "$work/ctest.log" | sed 's/^ *[0-9]* - //; s/ (Failed)//' | paste -sd ';' - || true)"
  else
    result="SURVIVED"
  fi
  [ "$result" = killed ] || not_killed=$((not_killed + 1))
  # Reverted with a new mtime, so that ninja rebuilds the original.
  for f in "${changed[@]}"; do cp "$work/orig/$f" "$src/$f"; done
  table+=$'\n'"| ${ids[$i]} | ${whats[$i]} | ${tests[$i]} | $result |"
  echo "   $result" >&2
done
cmake --build "$build" -j2 >"$work/build.log" 2>&1 || true  # leave the build unmutated
echo "$table" | tee "$work/table.md"
exit "$not_killed"
