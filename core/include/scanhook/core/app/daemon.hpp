// scanhookd: options, configuration, subsystems (started in order, torn down
// in reverse), the built-in commands, plugins' commands and the daemon itself.
#pragma once

#include <Poco/Util/ServerApplication.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/auth/user_auth.hpp"
#include "scanhook/core/config/config.hpp"
#include "scanhook/core/config/help_text.hpp"
#include "scanhook/core/http/http_subsystem.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/engine_subsystem.hpp"
#include "scanhook/core/pipeline/metrics.hpp"
#include "scanhook/core/pipeline/pipeline_builder.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"

namespace scanhook::core {

class Daemon : public Poco::Util::ServerApplication {
 public:
  // `plugin_words`: the words after a plugin's command (split_command_line).
  explicit Daemon(std::vector<std::string> plugin_words = {});
  ~Daemon() override;
  // run(), after refusing an unknown option or a missing option argument
  // with exit code 64 (EX_USAGE).
  int run_command_line(int argc, char** argv);

 protected:
  void defineOptions(Poco::Util::OptionSet& options) override;
  void handleOption(const std::string& name, const std::string& value) override;
  void initialize(Poco::Util::Application& self) override;
  int main(const ArgVec& args) override;

 private:
  void print_help() const;
  std::vector<HelpEntry> plugin_commands_help() const;
  // ../lib/scanhook/plugins beside the binary: plugin_dir when the INI sets none.
  std::string default_plugin_dir() const;
  void load_configuration();
  void add_daemon_subsystems();
  int list_plugins() const;

  bool stop_after_options_ = false;  // --help or --version answered
  bool check_only_ = false;
  std::string config_path_;  // empty: the built-in defaults
  // Where scanhookd was started: under --daemon, Poco's ServerApplication
  // changes to "/" after forking; initialize() changes back, so a relative
  // --config, database or plugin_dir means what it means in the foreground.
  std::filesystem::path start_directory_;
  std::string command_;
  std::vector<std::string> command_words_;  // a built-in command's words
  std::vector<std::string> plugin_words_;   // a plugin command's words
  std::optional<std::string> usage_error_;  // the command's words do not fit (exit 64)
  std::optional<std::string> config_error_;
  std::optional<int> startup_exit_code_;  // the engine could not start (storage_fault.hpp)
  std::unique_ptr<PluginCatalog> catalog_;
  std::unique_ptr<Config> config_;
  ValidationReport validation_;  // what the validate-only build could not check
  Metrics metrics_;
  Router router_;
  std::unique_ptr<UserAuth> user_auth_;  // read by the HTTP server's threads
  HttpSubsystem* http_ = nullptr;        // owned by the application's subsystems
  EngineSubsystem* engine_ = nullptr;    // likewise
};

}  // namespace scanhook::core
