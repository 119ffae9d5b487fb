// A scanhookd for a plugin's end-to-end tests: only the named plugins in its
// plugin folder, a queue tuned for tests (no minimum age, retries and probes
// within a fraction of a second), and what its `recorder` targets wrote.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/temp_dir.hpp"

namespace scanhook::testing {

struct PluginDaemonOptions {
  std::string listen = "127.0.0.1:0";
  std::string server_lines;              // more [server] keys, "key = value\n" each
  std::vector<std::string> environment;  // "KEY=VALUE" for the process
};

class PluginDaemon {
 public:
  // `plugins`: built plugin names ("recorder" is the test plugin);
  // `sections`: the INI after [server] and [queue], "{dir}" standing for
  // dir(). Starts it and waits until it listens (a failed REQUIRE if not).
  PluginDaemon(const std::vector<std::string>& plugins, const std::string& sections,
               PluginDaemonOptions options = {});

  // SIGTERM and wait for the exit; start() runs it again on the same folder,
  // and on the same port when `listen` names it.
  void stop();
  void start(const std::string& listen);

  const std::filesystem::path& dir() const { return dir_.path(); }
  DaemonProcess& process() { return *process_; }
  const DaemonClient& client() const { return *client_; }  // without credentials
  std::string url() const { return process_->url(); }
  std::string listen() const { return "127.0.0.1:" + std::to_string(process_->port()); }

  // The lines of <dir>/<file>: the folders a recorder target with
  // `record = {dir}/<file>` was sent, in order.
  std::vector<std::string> recorded(const std::string& file = "record") const;
  // True once `count` folders are recorded (10 s at most).
  bool recorded_at_least(std::size_t count, const std::string& file = "record") const;
  // /api/targets' last_error of `target`.
  std::string last_error(const std::string& target) const;

 private:
  TempDir dir_;
  std::string sections_;
  PluginDaemonOptions options_;
  std::unique_ptr<DaemonProcess> process_;
  std::unique_ptr<DaemonClient> client_;
};

// Copies the built plugins `names` ("recorder": the test plugin) into
// <dir>/plugins, creating it, for an INI with plugin_dir = {dir}/plugins.
void install_plugins(const std::filesystem::path& dir, const std::vector<std::string>& names);

// The lines of a file (none when it does not exist).
std::vector<std::string> file_lines(const std::filesystem::path& file);

}  // namespace scanhook::testing
