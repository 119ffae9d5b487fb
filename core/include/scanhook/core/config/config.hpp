// The validated configuration: [server], [queue], [manual] and one
// InstanceConfig per [source.NAME], [target.NAME], [service.NAME] and
// [notify.NAME] section, each typed (settings.hpp).
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "scanhook/abi.hpp"
#include "scanhook/config_view.hpp"
#include "scanhook/core/config/ini_file.hpp"
#include "scanhook/core/config/settings.hpp"
#include "scanhook/core/expected.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"

namespace scanhook::core {

enum class Role { source, target, service, notify };
const char* role_name(Role role);

struct InstanceConfig {
  Role role = Role::source;
  std::string instance;  // "sonarr4k"
  std::string section;   // "source.sonarr4k"
  std::shared_ptr<const PluginLibrary> plugin;
  Kind kind = kWebhookSource;  // what this section makes of the plugin
  ConfigView plugin_config;    // the plugin's declared keys
  // The core's keys, typed: the one of this role.
  std::variant<SourceSettings, TargetSettings, ServiceSettings, NotifierSettings> settings;

  // This role's settings; std::bad_variant_access for another role's.
  const SourceSettings& source() const { return std::get<SourceSettings>(settings); }
  const TargetSettings& target() const { return std::get<TargetSettings>(settings); }
  const NotifierSettings& notifier() const { return std::get<NotifierSettings>(settings); }
};

struct Config {
  std::string file;
  std::string plugin_dir;
  ServerSettings server;
  QueueSettings queue;
  ManualSettings manual;  // the built-in manual trigger's source rules
  std::vector<InstanceConfig> instances;
  std::vector<std::string> warnings;  // e.g. unused plugins that failed to load
  IniFile ini;                        // as read, so later checks can name a key's line

  const InstanceConfig* find(Role role, const std::string& instance) const;
  // "FILE:LINE: [section] key" of the line that set `key` (the section's own
  // line when the key took its default); without `key`, the section's.
  std::string where(const std::string& section, const std::string& key = {}) const;
};

// The [server] plugin_dir of an INI, before anything else is validated, so the
// catalog can be scanned first. `fallback` when the file does not set it.
std::string plugin_dir_of(const IniFile& ini, const std::string& fallback);
// The plugins an INI's instance sections name (`plugin`, or the instance
// name), so only those are loaded.
std::set<std::string> plugins_named_by(const IniFile& ini);

// Validates everything; throws ConfigError listing every problem, one per
// line, each naming file:line, section and key, with a suggestion where one fits.
Config validate_config(const IniFile& ini, const PluginCatalog& catalog);

// Checks one value against a type: ok, or what is wrong.
Expected<void> check_value(ConfigType type, const std::string& value);

}  // namespace scanhook::core
