#include "support/daemon_process.hpp"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <regex>
#include <stdexcept>

namespace scanhook::testing {

namespace {

pid_t spawn(const std::string& program, const std::vector<std::string>& args,
            const std::vector<std::string>& environment, int& read_fd) {
  // Built before fork: the child of a threaded process may not allocate.
  std::vector<std::string> strings = args;
  strings.insert(strings.begin(), program);
  std::vector<std::string> added = environment;
  std::vector<char*> argv, envp;
  for (auto& arg : strings) argv.push_back(arg.data());
  argv.push_back(nullptr);
  for (char** variable = environ; *variable; ++variable) envp.push_back(*variable);
  for (auto& variable : added) envp.push_back(variable.data());
  envp.push_back(nullptr);
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::dup2(fds[1], STDERR_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    ::execve(program.c_str(), argv.data(), envp.data());
    ::_exit(127);
  }
  ::close(fds[1]);
  read_fd = fds[0];
  return pid;
}

int decode_status(int status) {
  if (WIFEXITED(status)) return WEXITSTATUS(status);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return -1;
}

}  // namespace

CommandResult run_scanhookd(const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout) {
  return run_program(SCANHOOKD_PATH, args, {}, timeout);
}

CommandResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& environment,
                          std::chrono::milliseconds timeout) {
  int fd = -1;
  const pid_t pid = spawn(program, args, environment, fd);
  CommandResult result;
  std::thread reader([&] {
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(fd, buffer, sizeof buffer)) > 0)
      result.output.append(buffer, static_cast<std::size_t>(n));
  });
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (::waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ::kill(pid, SIGKILL);
      ::waitpid(pid, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  reader.join();
  ::close(fd);
  result.exit_code = decode_status(status);
  return result;
}

DaemonProcess::DaemonProcess(const std::filesystem::path& dir, const std::string& ini,
                             const std::vector<std::string>& extra_args,
                             const std::vector<std::string>& environment) {
  const std::string folder = dir.string();
  const std::string text = std::regex_replace(ini, std::regex("\\{dir\\}"), folder);
  const auto config = dir / "scanhook.ini";
  std::ofstream(config) << text;
  std::vector<std::string> args = {"--config", config.string()};
  args.insert(args.end(), extra_args.begin(), extra_args.end());
  int fd = -1;
  pid_ = spawn(SCANHOOKD_PATH, args, environment, fd);
  reader_ = std::thread([this, fd] { read_output(fd); });
}

DaemonProcess::~DaemonProcess() {
  if (!wait_for_exit(std::chrono::milliseconds(0))) {
    ::kill(pid_, SIGKILL);
    wait_for_exit(std::chrono::seconds(10));
  }
  if (reader_.joinable()) reader_.join();
}

void DaemonProcess::read_output(int fd) {
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fd, buffer, sizeof buffer)) > 0) {
    std::lock_guard lock(mutex_);
    output_.append(buffer, static_cast<std::size_t>(n));
    changed_.notify_all();
  }
  ::close(fd);
  std::lock_guard lock(mutex_);
  closed_ = true;
  changed_.notify_all();
}

bool DaemonProcess::wait_for_output(const std::string& text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] {
    return output_.find(text) != std::string::npos || closed_;
  }) && output_.find(text) != std::string::npos;
}

bool DaemonProcess::wait_until_listening(std::chrono::milliseconds timeout) {
  if (!wait_for_output("listening on http://", timeout)) return false;
  std::lock_guard lock(mutex_);
  std::smatch match;
  if (!std::regex_search(output_, match, std::regex("listening on http://[^:]+:([0-9]+)")))
    return false;
  port_ = static_cast<unsigned short>(std::stoi(match[1]));
  return true;
}

std::string DaemonProcess::url() const {
  return "http://127.0.0.1:" + std::to_string(port_);
}

void DaemonProcess::send_signal(int signal) {
  ::kill(pid_, signal);
}

std::optional<int> DaemonProcess::wait_for_exit(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (true) {
    const pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      exit_code_ = decode_status(status);
      // What it wrote last may still be in the pipe: output() must hold it.
      std::unique_lock lock(mutex_);
      changed_.wait_for(lock, std::chrono::seconds(5), [&] { return closed_; });
      return exit_code_;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string DaemonProcess::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

}  // namespace scanhook::testing
