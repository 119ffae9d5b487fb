#include "scanhook/core/plugins/load_probe.hpp"

#include <dlfcn.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <string>

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

// True at end of file on `fd`, false when `timeout` has passed first.
bool wait_for_eof(int fd, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[64];
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    pollfd readable{fd, POLLIN, 0};
    const int ready = ::poll(&readable, 1, static_cast<int>(left.count()) + 1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return false;
    if (ready == 0) continue;  // the deadline is checked above
    const ssize_t got = ::read(fd, buffer, sizeof buffer);
    if (got == 0 || (got < 0 && errno != EINTR)) return true;
  }
}

}  // namespace

Expected<void> probe_load(const std::filesystem::path& file, std::chrono::milliseconds timeout) {
  // What is buffered now would otherwise be written twice if the plugin calls exit().
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  // The child holds the pipe's write end: its exit (or death) is EOF here,
  // so the parent wakes at once instead of polling.
  int ends[2];
  if (::pipe2(ends, O_CLOEXEC) != 0)
    return failure(std::string("cannot start a process to try it: ") + std::strerror(errno));
  const pid_t child = ::fork();
  if (child < 0) {
    const int error = errno;
    ::close(ends[0]);
    ::close(ends[1]);
    return failure(std::string("cannot start a process to try it: ") + std::strerror(error));
  }
  if (child == 0) {
    ::close(ends[0]);
    load_in_child(file);
  }
  ::close(ends[1]);
  const bool ended = wait_for_eof(ends[0], timeout);
  ::close(ends[0]);

  // After EOF the child is exiting: wait for it. After the timeout, it may
  // have exited anyway (a grandchild kept the pipe open); if not, kill it.
  int status = 0;
  pid_t reaped = ended ? -1 : ::waitpid(child, &status, WNOHANG);
  const bool timed_out = reaped == 0;
  if (timed_out) ::kill(child, SIGKILL);
  while (reaped != child && (reaped = ::waitpid(child, &status, 0)) < 0 && errno == EINTR) {
  }
  if (timed_out)
    return failure("it did not finish loading within " + std::to_string(timeout.count()) + " ms (" +
                   kFix + ")");
  if (WIFSIGNALED(status))
    return failure("it crashed while loading: " + signal_name(WTERMSIG(status)) + " (" + kFix +
                   ")");
  if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
    return failure("it exited with status " + std::to_string(WEXITSTATUS(status)) +
                   " while loading (" + kFix + ")");
  return {};
}

}  // namespace scanhook::core
