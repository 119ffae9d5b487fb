// Loads a plugin file once in a short-lived child process, so code that
// aborts or faults while the library loads (a static initialiser, a damaged
// file the ELF check missed) kills the child, not scanhookd.
#pragma once

#include <chrono>
#include <filesystem>

#include "scanhook/core/expected.hpp"

namespace scanhook::core {

// How long a child may take to load a plugin before it is killed.
inline constexpr std::chrono::milliseconds kLoadProbeTimeout{10000};

// Forks; the child sets its core-file limit to 0, dlopens `file` (RTLD_NOW |
// RTLD_LOCAL) and _exits 0 whether dlopen succeeded or refused cleanly (the
// caller's own dlopen then gives the reason). The parent sleeps until the
// child's end of a pipe closes (or `timeout`, then SIGKILL) and always reaps it. Errors: "it
// crashed while loading: SIGABRT (...)", "it exited with status N while loading (...)", "it did not
// finish loading within 10000 ms (...)" or "cannot start a process to try it: <strerror>". Call it
// before the process starts threads: a child forked from a threaded process may find a lock held by
// a thread it does not have (the timeout is the backstop).
Expected<void> probe_load(const std::filesystem::path& file,
                          std::chrono::milliseconds timeout = kLoadProbeTimeout);

}  // namespace scanhook::core
