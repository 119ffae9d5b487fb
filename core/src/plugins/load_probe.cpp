#include "scanhook/core/plugins/load_probe.hpp"

#include <dlfcn.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>
#include <thread>

namespace scanhook::core {

namespace {

std::string signal_name(int signal) {
  const char* abbreviation = ::sigabbrev_np(signal);
  return abbreviation ? std::string("SIG") + abbreviation : "signal " + std::to_string(signal);
}

constexpr const char* kFix =
    "its code that runs at load, such as a static initialiser, failed, or the file is damaged: "
    "fix the plugin or remove it from the plugin folder";

[[noreturn]] void load_in_child(const std::filesystem::path& file) {
  const rlimit no_core{0, 0};
  ::setrlimit(RLIMIT_CORE, &no_core);
  ::dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  ::_exit(0);
}

}  // namespace

Expected<void> probe_load(const std::filesystem::path& file, std::chrono::milliseconds timeout) {
  // What is buffered now would otherwise be written twice if the plugin calls exit().
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  const pid_t child = ::fork();
  if (child < 0)
    return failure(std::string("cannot start a process to try it: ") + std::strerror(errno));
  if (child == 0) load_in_child(file);

  // A load takes about a millisecond: poll from 50 µs up, never past 10 ms a step.
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto pause = std::chrono::microseconds(50);
  int status = 0;
  for (;;) {
    const pid_t reaped = ::waitpid(child, &status, WNOHANG);
    if (reaped == child) break;
    if (reaped < 0 && errno != EINTR)
      return failure(std::string("cannot wait for the process trying it: ") + std::strerror(errno));
    if (std::chrono::steady_clock::now() >= deadline) {
      ::kill(child, SIGKILL);
      while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
      }
      return failure("it did not finish loading within " + std::to_string(timeout.count() / 1000) +
                     " s (" + kFix + ")");
    }
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(10000));
  }
  if (WIFSIGNALED(status))
    return failure("it crashed while loading: " + signal_name(WTERMSIG(status)) + " (" + kFix +
                   ")");
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return failure("it exited with status " + std::to_string(WEXITSTATUS(status)) +
                   " while loading (" + kFix + ")");
  return {};
}

}  // namespace scanhook::core
