#include "support/plugin_daemon.hpp"

#include <catch2/catch.hpp>

#include <signal.h>

#include <fstream>

#include "support/eventually.hpp"
#include "support/plugin_harness.hpp"

namespace scanhook::testing {

PluginDaemon::PluginDaemon(const std::vector<std::string>& plugins, const std::string& sections,
                           PluginDaemonOptions options)
    : sections_(sections), options_(std::move(options)) {
  install_plugins(dir_.path(), plugins);
  start(options_.listen);
}

void PluginDaemon::start(const std::string& listen) {
  const std::string ini =
      "[server]\nlisten = " + listen +
      "\ndatabase = {dir}/scanhook.db\nplugin_dir = {dir}/plugins\naccess_log = false\n" +
      options_.server_lines +
      "[queue]\nminimum_age = 0s\nidle_interval = 20ms\nretry_initial = 100ms\n"
      "retry_max = 200ms\nprobe_interval = 100ms\n" +
      sections_;
  process_ = std::make_unique<DaemonProcess>(dir_.path(), ini, std::vector<std::string>{},
                                             options_.environment);
  REQUIRE(process_->wait_until_listening());
  client_ = std::make_unique<DaemonClient>(process_->url());
}

void PluginDaemon::stop() {
  process_->send_signal(SIGTERM);
  REQUIRE(process_->wait_for_exit());
}

std::vector<std::string> PluginDaemon::recorded(const std::string& file) const {
  return file_lines(dir_.path() / file);
}

bool PluginDaemon::recorded_at_least(std::size_t count, const std::string& file) const {
  return eventually([&] { return recorded(file).size() >= count; }, std::chrono::seconds(10));
}

std::string PluginDaemon::last_error(const std::string& target) const {
  return client_->target_state(target)->getValue<std::string>("last_error");
}

void install_plugins(const std::filesystem::path& dir, const std::vector<std::string>& names) {
  const auto folder = dir / "plugins";
  std::filesystem::create_directories(folder);
  for (const auto& name : names) {
    const auto built = name == "recorder"
                           ? std::filesystem::path(SCANHOOK_TEST_PLUGIN_DIR) / "recorder.so"
                           : plugin_file(name);
    std::filesystem::copy_file(built, folder / (name + ".so"));
  }
}

std::vector<std::string> file_lines(const std::filesystem::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace scanhook::testing
