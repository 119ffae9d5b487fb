// Runs the real scanhookd as a child process, for tests over loopback:
// start it on an INI, wait until it listens, signal it, read what it logged.
#pragma once

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace scanhook::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr together
};

// Runs `scanhookd args...` to completion (killed after `timeout`).
CommandResult run_scanhookd(const std::vector<std::string>& args,
                            std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Runs `program args...` to completion, with "KEY=VALUE" entries added to
// the environment (killed after `timeout`).
CommandResult run_program(const std::string& program, const std::vector<std::string>& args,
                          const std::vector<std::string>& environment,
                          std::chrono::milliseconds timeout = std::chrono::seconds(20));

class DaemonProcess {
 public:
  // Writes `ini` to <dir>/scanhook.ini, with "{dir}" replaced by the folder
  // (use `database = {dir}/scanhook.db`, `listen = 127.0.0.1:0`), and starts
  // scanhookd --config on it. Several runs may share one folder (restarts).
  // `environment` adds "KEY=VALUE" entries to the inherited environment.
  DaemonProcess(const std::filesystem::path& dir, const std::string& ini,
                const std::vector<std::string>& extra_args = {},
                const std::vector<std::string>& environment = {});
  ~DaemonProcess();  // SIGKILL if still running
  DaemonProcess(const DaemonProcess&) = delete;
  DaemonProcess& operator=(const DaemonProcess&) = delete;

  // Waits for "listening on http://HOST:PORT"; false if it exited or timed out.
  bool wait_until_listening(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Waits until the output contains `text`.
  bool wait_for_output(const std::string& text,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string url() const;  // http://127.0.0.1:PORT
  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }  // for /proc/<pid> (RSS, descriptors)

  void send_signal(int signal);
  // The exit code (128+N when killed by signal N), or nullopt on timeout.
  std::optional<int> wait_for_exit(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  std::string output() const;

 private:
  void read_output(int fd);

  pid_t pid_ = -1;
  unsigned short port_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::string output_;
  bool closed_ = false;
  std::optional<int> exit_code_;
};

}  // namespace scanhook::testing
