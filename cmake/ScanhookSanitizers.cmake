# -DSCANHOOK_SANITIZE=address,undefined (or thread): the whole build, plugins
# and tests included, instrumented by GCC's sanitizers, for the test command's
# sanitizer pass. Set for every target of the tree on purpose: code that is
# not instrumented (a static library, a plugin) would hide its own errors and,
# for ThreadSanitizer, report false races in the code that calls it.
set(SCANHOOK_SANITIZE "" CACHE STRING "Sanitizers for every target: address,undefined or thread")
if(SCANHOOK_SANITIZE)
  if(NOT SCANHOOK_SANITIZE MATCHES "^(address,undefined|address|undefined|thread)$")
    message(FATAL_ERROR "SCANHOOK_SANITIZE: use address,undefined or thread (got ${SCANHOOK_SANITIZE})")
  endif()
  add_compile_options(-fsanitize=${SCANHOOK_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${SCANHOOK_SANITIZE})
endif()
