#include "program_run.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <thread>

extern char** environ;

namespace scanhook::command {

namespace {

using Clock = std::chrono::steady_clock;

// What is kept of stderr: its last line is the reason of a rejection.
constexpr std::size_t kStderrKept = 8192;
constexpr std::chrono::milliseconds kGraceAfterTerm{2000};

class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

std::string last_line(const std::string& text) {
  std::size_t end = text.size();
  while (end > 0) {
    while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == '\r' || text[end - 1] == ' '))
      --end;
    const std::size_t start = text.rfind('\n', end == 0 ? 0 : end - 1);
    const std::size_t from = start == std::string::npos ? 0 : start + 1;
    if (end > from) return text.substr(from, end - from);
    if (start == std::string::npos) break;
    end = start;
  }
  return {};
}

int remaining_ms(Clock::time_point deadline) {
  const auto left =
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(std::min<long long>(left, 100));
}

// Waits for the child until `deadline`; true once it has ended (`status`
// set) or cannot be waited for (`lost` set: SIGCHLD ignored, say).
bool wait_until(pid_t pid, Clock::time_point deadline, int& status, int& lost) {
  for (;;) {
    const pid_t done = ::waitpid(pid, &status, WNOHANG);
    if (done == pid) return true;
    if (done < 0 && errno != EINTR) {
      lost = errno;
      return true;
    }
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace

namespace {

// Why `file` cannot be run; "" when it can.
std::string not_runnable(const std::string& file) {
  struct stat status {};
  if (::stat(file.c_str(), &status) != 0) return file + ": " + std::strerror(errno);
  if (S_ISDIR(status.st_mode)) return file + " is a folder, not a program";
  if (!S_ISREG(status.st_mode)) return file + " is not a regular file";
  if (::access(file.c_str(), X_OK) != 0)
    return file +
           " is not executable by this user (chmod +x it, or check its folders' "
           "permissions)";
  return {};
}

}  // namespace

ProgramLookup find_program(const std::string& name) {
  if (name.find('/') != std::string::npos) {
    std::string why = not_runnable(name);
    return why.empty() ? ProgramLookup{name, {}} : ProgramLookup{{}, std::move(why)};
  }
  const char* path = std::getenv("PATH");
  const std::string searched = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::istringstream folders(searched);
  std::string first_problem;  // a file of that name that cannot be run says more than "not found"
  for (std::string folder; std::getline(folders, folder, ':');) {
    const std::string candidate = (folder.empty() ? "." : folder) + "/" + name;
    std::string why = not_runnable(candidate);
    if (why.empty()) return {candidate, {}};
    if (first_problem.empty() && ::access(candidate.c_str(), F_OK) == 0)
      first_problem = std::move(why);
  }
  if (!first_problem.empty()) return {{}, first_problem};
  return {{}, "no program " + name + " in PATH (" + searched + ")"};
}

RunOutcome run_program(const std::vector<std::string>& argv, const std::string& input,
                       std::chrono::milliseconds timeout) {
  RunOutcome outcome;
  // stdin is a socket so that writing to a program that closed it fails with
  // EPIPE (MSG_NOSIGNAL) instead of raising SIGPIPE in the daemon.
  int in_pair[2];
  int out_pipe[2];
  int err_pipe[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in_pair) != 0 ||
      ::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    outcome.error = std::string("cannot make pipes: ") + std::strerror(errno);
    return outcome;
  }
  Fd in_ours(in_pair[0]), in_theirs(in_pair[1]);
  Fd out_ours(out_pipe[0]), out_theirs(out_pipe[1]);
  Fd err_ours(err_pipe[0]), err_theirs(err_pipe[1]);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in_theirs.get(), 0);
  posix_spawn_file_actions_adddup2(&actions, out_theirs.get(), 1);
  posix_spawn_file_actions_adddup2(&actions, err_theirs.get(), 2);
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setpgroup(&attributes, 0);
  sigset_t defaults;
  sigemptyset(&defaults);
  sigaddset(&defaults, SIGPIPE);
  sigaddset(&defaults, SIGTERM);
  sigaddset(&defaults, SIGINT);
  sigaddset(&defaults, SIGHUP);
  posix_spawnattr_setsigdefault(&attributes, &defaults);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attributes, &none);
  posix_spawnattr_setflags(&attributes,
                           POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);

  std::vector<char*> args;
  for (const auto& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = ::posix_spawnp(&pid, args[0], &actions, &attributes, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    outcome.error = "cannot run " + argv[0] + ": " + std::strerror(spawned);
    return outcome;
  }
  in_theirs.reset();
  out_theirs.reset();
  err_theirs.reset();

  const auto deadline = Clock::now() + timeout;
  std::size_t written = 0;
  if (input.empty()) in_ours.reset();
  for (const Fd* fd : {&in_ours, &out_ours, &err_ours})
    if (fd->get() >= 0) ::fcntl(fd->get(), F_SETFL, O_NONBLOCK);
  std::string stderr_text;
  char buffer[4096];
  int status = 0;
  int lost = 0;  // waitpid's errno when the child cannot be waited for
  bool ended = false;
  // Until it ends and its pipes are drained; a child it left running may
  // hold them open, so its end is checked on each turn too.
  while (Clock::now() < deadline) {
    if (!ended) ended = wait_until(pid, Clock::now(), status, lost);
    if (out_ours.get() < 0 && err_ours.get() < 0 && ended) break;
    pollfd fds[3] = {
        {in_ours.get(), POLLOUT, 0}, {out_ours.get(), POLLIN, 0}, {err_ours.get(), POLLIN, 0}};
    const int ready = ::poll(fds, 3, ended ? 0 : remaining_ms(deadline));
    if (ready < 0 && errno != EINTR) break;
    if (ready == 0 && ended) break;  // ended, and nothing more to read
    if (in_ours.get() >= 0 && (fds[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
      const ssize_t sent = ::send(in_ours.get(), input.data() + written, input.size() - written,
                                  MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent > 0) written += static_cast<std::size_t>(sent);
      if ((sent < 0 && errno != EAGAIN && errno != EINTR) || written == input.size())
        in_ours.reset();  // done, or the program closed its stdin: it has what it read
    }
    for (int i : {1, 2}) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      const ssize_t got = ::read(fds[i].fd, buffer, sizeof buffer);
      if (got > 0 && i == 2) {
        stderr_text.append(buffer, static_cast<std::size_t>(got));
        if (stderr_text.size() > 2 * kStderrKept)
          stderr_text.erase(0, stderr_text.size() - kStderrKept);
      }
      if (got == 0 || (got < 0 && errno != EAGAIN && errno != EINTR))
        (i == 1 ? out_ours : err_ours).reset();
    }
  }
  in_ours.reset();
  if (!ended && !wait_until(pid, deadline, status, lost)) {
    ::kill(-pid, SIGTERM);
    if (!wait_until(pid, Clock::now() + kGraceAfterTerm, status, lost)) {
      ::kill(-pid, SIGKILL);
      wait_until(pid, Clock::time_point::max(), status, lost);
    }
    outcome.end = RunOutcome::End::timed_out;
  } else if (lost != 0) {
    outcome.end = RunOutcome::End::lost;
    outcome.error = std::string("waitpid: ") + std::strerror(lost);
  } else if (WIFEXITED(status)) {
    outcome.end = RunOutcome::End::exited;
    outcome.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    outcome.end = RunOutcome::End::signalled;
    outcome.signal = WTERMSIG(status);
  }
  outcome.last_error_line = last_line(stderr_text);
  return outcome;
}

}  // namespace scanhook::command
