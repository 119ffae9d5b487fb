# -DSCANHOOK_FUZZ=ON: the libFuzzer targets of fuzz/, with every target of the
# tree instrumented for libFuzzer's coverage, AddressSanitizer and
# UndefinedBehaviorSanitizer (clang only; Debian's clang and libfuzzer-14-dev).
# Off by default: the normal build does not change. bench/fuzz.sh configures
# its own build folder with it.
option(SCANHOOK_FUZZ "Build the libFuzzer targets in fuzz/ (needs clang)" OFF)
if(SCANHOOK_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "SCANHOOK_FUZZ needs clang: configure with -DCMAKE_CXX_COMPILER=clang++ "
                        "(found ${CMAKE_CXX_COMPILER_ID})")
  endif()
  if(SCANHOOK_SANITIZE)
    message(FATAL_ERROR "SCANHOOK_FUZZ brings its own sanitizers: leave SCANHOOK_SANITIZE empty")
  endif()
  add_compile_options(-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=address,undefined)
endif()
