#!/bin/sh
# Installs scanhook into a temporary prefix, builds an out-of-tree plugin
# against the installed SDK package, and checks the installed daemon loads it.
set -eu
build_dir=$1
source_dir=$2
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT

cmake --install "$build_dir" --prefix "$prefix" >/dev/null
for f in bin/scanhookd lib/scanhook/plugins/log.so include/scanhook/scanhook.hpp \
         lib/cmake/scanhook-sdk/scanhook-sdk-config.cmake; do
  [ -e "$prefix/$f" ] || { echo "install is missing $f"; exit 1; }
done

cmake -S "$source_dir/tests/fixture_plugins/out_of_tree" -B "$prefix/hello-build" -G Ninja \
      -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$prefix/hello-build" >/dev/null
cp "$prefix/hello-build/hello.so" "$prefix/lib/scanhook/plugins/"

exports=$(nm -D --defined-only "$prefix/lib/scanhook/plugins/hello.so" | awk '{print $3}')
[ "$exports" = "scanhook_plugin_v1" ] || { echo "hello.so exports: $exports"; exit 1; }

# The installed daemon finds its plugins beside it (../lib/scanhook/plugins).
listing=$("$prefix/bin/scanhookd" plugins)
echo "$listing"
echo "$listing" | grep -q "hello 2.3.4  \[target\]" || { echo "hello plugin not listed"; exit 1; }
echo "$listing" | grep -q "log 1.0.0  \[target\]" || { echo "log plugin not listed"; exit 1; }
echo "install and out-of-tree plugin: ok"
