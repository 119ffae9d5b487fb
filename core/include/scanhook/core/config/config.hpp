// The validated configuration: [server], [queue], and one InstanceConfig per
// [source.NAME], [target.NAME], [service.NAME] and [notify.NAME] section.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "scanhook/abi.hpp"
#include "scanhook/config_view.hpp"
#include "scanhook/core/config/ini_file.hpp"
#include "scanhook/core/expected.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"

namespace scanhook::core {

enum class Role { source, target, service, notify };
const char* role_name(Role role);

// Keys the core itself reads, as validated: defaults filled in, repeatable
// keys (rewrite, include, ...) kept in order.
class CoreSettings {
 public:
  CoreSettings() = default;
  explicit CoreSettings(std::map<std::string, std::vector<std::string>> values)
      : values_(std::move(values)) {}

  std::string string(const std::string& key) const;
  std::vector<std::string> list(const std::string& key) const;
  std::int64_t integer(const std::string& key) const;
  bool boolean(const std::string& key) const;
  std::chrono::milliseconds duration(const std::string& key) const;
  bool has(const std::string& key) const;

 private:
  std::map<std::string, std::vector<std::string>> values_;
};

// [queue], typed once by the validator from queue_keys() (README: "[queue] keys").
struct QueueSettings {
  std::chrono::milliseconds minimum_age{};
  std::vector<std::string> anchors;  // absolute paths
  std::chrono::milliseconds retry_initial{};
  std::chrono::milliseconds retry_max{};  // not below retry_initial
  std::chrono::milliseconds probe_interval{};
  std::chrono::milliseconds idle_interval{};
  std::chrono::milliseconds history_retention{};
  std::chrono::milliseconds lease{};  // PostgreSQL: how long an instance's pick stays its own
  std::size_t dead_letter_count = 0;
  std::size_t dead_letter_bytes = 0;
};

struct InstanceConfig {
  Role role = Role::source;
  std::string instance;  // "sonarr4k"
  std::string section;   // "source.sonarr4k"
  std::shared_ptr<const PluginLibrary> plugin;
  Kind kind = kWebhookSource;  // what this section makes of the plugin
  ConfigView plugin_config;    // the plugin's declared keys
  CoreSettings settings;       // the core's keys for this role
};

struct Config {
  std::string file;
  std::string plugin_dir;
  CoreSettings server;
  QueueSettings queue;
  CoreSettings manual;  // the built-in manual trigger's source rules
  std::vector<InstanceConfig> instances;
  std::vector<std::string> warnings;  // e.g. unused plugins that failed to load
  IniFile ini;                        // as read, so later checks can name a key's line

  const InstanceConfig* find(Role role, const std::string& instance) const;
  // "FILE:LINE: [section] key" of the line that set `key` (the section's own
  // line when the key took its default); without `key`, the section's.
  std::string where(const std::string& section, const std::string& key = {}) const;
};

// A key the core reads in one kind of section. An integer or duration key
// may have bounds (a duration's in milliseconds); `why` explains them.
struct CoreKey {
  const char* name;
  ConfigType type;
  const char* default_value;  // nullptr: none
  bool repeatable;
  const char* help;
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  const char* why = nullptr;
};
const std::vector<CoreKey>& server_keys();
const std::vector<CoreKey>& queue_keys();
const std::vector<CoreKey>& manual_keys();
const std::vector<CoreKey>& instance_keys(Role role);

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
