#!/bin/sh
# `sh cmake/install-deps.sh run` (the README's run and package commands) must
# install every library the build finds, or a fresh machine cannot configure.
# The lists cannot drift: this reads the run list from install-deps.sh itself
# and the build's finds from its CMake files, and checks, with dpkg, that the
# file CMake found for each (CMakeCache.txt of the build tree) belongs to:
#   - for the project's own find_package/pkg_check_modules: a package of the
#     run list, or the one package a listed alias depends on (libboost-dev ->
#     libboost1.74-dev, pkg-config -> pkgconf);
#   - for what those packages' CMake files find in turn (Poco's zlib, expat,
#     OpenSSL): a package the run list brings in (its Depends, recursively).
# Also: the full list (the test command's) holds the run list.
set -eu
build_dir=$1
source_dir=$2
. "$source_dir/tests/support/shell_steps.sh"
command -v dpkg-query >/dev/null || skip "not a Debian system (no dpkg-query)"
cache="$build_dir/CMakeCache.txt"
[ -f "$cache" ] || fail "no $cache"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

install_deps="$source_dir/cmake/install-deps.sh"
sh "$install_deps" --list run | sort -u >"$work/run"
sh "$install_deps" --list all | sort -u >"$work/all"
[ -s "$work/run" ] || fail "install-deps.sh --list run printed nothing"
comm -23 "$work/run" "$work/all" >"$work/not_in_all"
[ ! -s "$work/not_in_all" ] || fail "the full list lacks run's $(cat "$work/not_in_all")"
if sh "$install_deps" --list nonsense >/dev/null 2>&1; then fail "--list nonsense did not fail"; fi

# One line per installed package: "name dep dep ...", alternatives and virtual
# packages (Provides) counted as the packages that are installed.
dpkg-query -W -f='${Status}\t${Package}\t${Provides}\t${Pre-Depends}, ${Depends}\n' |
  awk -F'\t' '$1 == "install ok installed" { print $2 "\t" $3 "\t" $4 }' >"$work/installed"
awk -F'\t' '
  function names(list, out,   n, parts, i, name) {
    n = split(list, parts, /[,|]/)
    for (i = 1; i <= n; i++) {
      name = parts[i]
      sub(/\(.*/, "", name); sub(/:.*/, "", name); gsub(/[ \t]/, "", name)
      if (name != "") out[name] = 1
    }
  }
  { provides[$1] = provides[$1] " " $1
    split("", p); names($2, p); for (v in p) provides[v] = provides[v] " " $1
    deps[$1] = $3 }
  END {
    while ((getline root < ARGV_RUN) > 0) { queue[++tail] = root; seen[root] = 1 }
    for (head = 1; head <= tail; head++) {
      pkg = queue[head]; print pkg
      split("", d); names(deps[pkg], d)
      for (name in d) {
        n = split(provides[name], real, " ")
        for (i = 1; i <= n; i++) if (real[i] != "" && !seen[real[i]]) { seen[real[i]] = 1; queue[++tail] = real[i] }
      }
    }
  }' ARGV_RUN="$work/run" "$work/installed" | sort -u >"$work/closure"

# The packages a listed name stands for: itself, and the one package an alias
# (a package with a single dependency) depends on.
: >"$work/direct"
while read -r pkg; do
  echo "$pkg" >>"$work/direct"
  deps=$(awk -F'\t' -v p="$pkg" '$1 == p { print $3 }' "$work/installed" | tr ',' '\n' |
    sed 's/(.*//; s/:.*//; s/[[:space:]]//g' | grep -v '^$' || true)
  [ "$(echo "$deps" | grep -c .)" -eq 1 ] && echo "$deps" >>"$work/direct"
done <"$work/run"
sort -u -o "$work/direct" "$work/direct"

# The file CMake found: cache entries of type PATH or FILEPATH outside the
# build and source trees (CMAKE_* are the toolchain's own).
sed -n 's/^\([A-Za-z0-9_]*\):\(FILE\)\{0,1\}PATH=\(\/.*\)$/\1 \3/p' "$cache" |
  grep -v '^CMAKE_' | while read -r key value; do
    case "$value" in "$build_dir"* | "$source_dir"*) continue ;; esac
    [ -e "$value" ] && echo "$key $value"
  done >"$work/found"

owners() {  # the packages that hold a path, one a line (dpkg -S, /usr-merged paths too)
  { dpkg -S "$1" 2>/dev/null || dpkg -S "$(realpath "$1")" 2>/dev/null || true; } |
    sed 's/: .*//' | tr ',' '\n' | sed 's/:.*//; s/[[:space:]]//g' | grep -v '^$' || true
}

# The project's own finds: the name each leaves its found paths under.
find "$source_dir" -path "$source_dir/build*" -prune -o -name node_modules -prune -o \
  -path "$source_dir/tests/fixture_plugins" -prune -o \
  \( -name CMakeLists.txt -o -name '*.cmake' \) -print |
  xargs sed -n 's/^[[:space:]]*find_package(\([A-Za-z0-9_.-]*\).*/find_package \1/p;
                 s/^[[:space:]]*pkg_check_modules(\([A-Za-z0-9_]*\).*/pkg_check_modules \1/p' |
  sort -u >"$work/finds"
[ -s "$work/finds" ] || fail "found no find_package in $source_dir"

problems=""
checked=""
while read -r how name; do
  case "$how $name" in
    "find_package Threads") continue ;;  # the C library: part of the compiler
    "find_package PkgConfig") prefix="PKG_CONFIG_EXECUTABLE" ;;
    pkg_check_modules*) prefix="pkgcfg_lib_${name}_" ;;
    *) prefix="$name" ;;
  esac
  grep "^$prefix" "$work/found" >"$work/of_name" || true
  [ -s "$work/of_name" ] ||
    problems="$problems\n$how($name): no path of it in $cache (is the build configured?)"
  while read -r key value; do
    owner=$(owners "$value")
    if ! echo "$owner" | grep -qxF -f "$work/direct"; then
      problems="$problems\n$how($name): $key=$value belongs to '$(echo $owner)', not in the run list"
    fi
    checked="$checked $key"
  done <"$work/of_name"
done <"$work/finds"

# What the packages' own CMake files found in turn.
while read -r key value; do
  case " $checked " in *" $key "*) continue ;; esac
  owner=$(owners "$value")
  [ -n "$owner" ] || continue  # a path no package holds (made by hand): not ours to judge
  if ! echo "$owner" | grep -qxF -f "$work/closure"; then
    problems="$problems\n$key=$value belongs to '$(echo $owner)', which the run list does not bring in"
  fi
done <"$work/found"

if [ -n "$problems" ]; then
  printf "FAILED: install-deps.sh's run list (%s) misses:%b\n" "$(echo $(cat "$work/run"))" "$problems"
  exit 1
fi
echo "run list: $(echo $(cat "$work/run"))"
echo "checked: $(wc -l <"$work/found") found paths, $(wc -l <"$work/finds") finds"
