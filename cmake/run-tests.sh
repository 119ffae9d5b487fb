#!/bin/sh
# The README's test command (and so CI's): the suite three ways.
#   normal  build/: the whole suite, as users build it.
#   asan    build-asan/: the whole suite again, every target (plugins, daemon,
#           tests) under AddressSanitizer + UndefinedBehaviorSanitizer.
#   tsan    build-tsan/: the concurrency-heavy tests (tests/CMakeLists.txt,
#           concurrency_tests) under ThreadSanitizer; only they are built.
# Usage: sh cmake/run-tests.sh [normal] [asan] [tsan]   (no argument: all three)
#
# The sanitizer trees are Debug builds at -O1 with line tables only (-g1):
# stack traces keep file:line, and -O1 is what ASan and TSan recommend.
# Every sanitized process (scanhookd started by a test included, whose exit
# code a test may not look at) writes its report to $report_dir; any report
# fails the run, printed, even when every test passed.
set -eu
cd "$(dirname "$0")/.."
jobs=${SCANHOOK_TEST_JOBS:-2}

sanitized_tree() {  # folder, sanitizer
  cmake -S . -B "$1" -G Ninja -DSCANHOOK_SANITIZE="$2" -DSCANHOOK_BUILD_BENCH=OFF \
    -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g1"
}

# Runs "$@" with sanitizer reports going to files in a fresh folder of $1;
# fails when the command fails or when any report was written.
with_reports() {
  report_dir=$(realpath "$1")/sanitizer-reports
  shift
  rm -rf "$report_dir" && mkdir -p "$report_dir"
  status=0
  ASAN_OPTIONS="log_path=$report_dir/asan:detect_stack_use_after_return=1:strict_string_checks=1" \
  UBSAN_OPTIONS="log_path=$report_dir/ubsan:print_stacktrace=1:halt_on_error=1" \
  TSAN_OPTIONS="log_path=$report_dir/tsan:halt_on_error=1:second_deadlock_stack=1" \
    "$@" || status=$?
  if [ -n "$(ls -A "$report_dir")" ]; then
    echo "sanitizer reports (in $report_dir):" >&2
    cat "$report_dir"/* >&2
    return 1
  fi
  return $status
}

normal() {
  cmake -S . -B build -G Ninja
  cmake --build build -j"$jobs"
  ctest --test-dir build -j"$jobs" --output-on-failure
}

asan() {
  sanitized_tree build-asan address,undefined
  cmake --build build-asan -j"$jobs"
  with_reports build-asan ctest --test-dir build-asan -j"$jobs" --output-on-failure
}

tsan() {
  sanitized_tree build-tsan thread
  cmake --build build-tsan -j"$jobs" --target concurrency_tests
  with_reports build-tsan build-tsan/tests/concurrency_tests --warn NoTests
}

[ $# -gt 0 ] || set -- normal asan tsan
for pass in "$@"; do
  case $pass in
    normal | asan | tsan) echo "== $pass" && $pass ;;
    *) echo "run-tests.sh: unknown pass \"$pass\" (normal, asan or tsan)" >&2 && exit 64 ;;
  esac
done
