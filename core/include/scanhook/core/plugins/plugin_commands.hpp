// Commands plugins offer on scanhookd's command line (SDK 1.2, kind kCommands):
// `scanhookd <command> WORD...` runs the plugin's, `scanhookd --help` lists them.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/command.hpp"
#include "scanhook/core/config/config.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"

namespace scanhook::core {

struct PluginCommand {
  std::string plugin;  // the plugin that offers it
  CommandHelp help;
};

// Every command of the loaded plugins that offer kCommands, by plugin name.
// Runs each such plugin's factory (only for commands and --help, never when
// the daemon starts).
std::vector<PluginCommand> plugin_commands(const PluginCatalog& catalog);

// Runs `command` with `words` (the words typed after it) if a plugin offers
// it, and returns its exit code; nullopt when no plugin does.
std::optional<int> run_plugin_command(const Config& config, const PluginCatalog& catalog,
                                      const std::string& command,
                                      const std::vector<std::string>& words, std::ostream& out,
                                      std::ostream& err);

}  // namespace scanhook::core
