#include "scanhook/core/config/config.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <set>
#include <sstream>

#include "scanhook/config_value.hpp"
#include "scanhook/core/config/core_keys.hpp"
#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/http/trusted_proxies.hpp"
#include "scanhook/core/pipeline/path_rules.hpp"
#include "scanhook/core/text/counted.hpp"

namespace scanhook::core {

const char* role_name(Role role) {
  switch (role) {
    case Role::source: return "source";
    case Role::target: return "target";
    case Role::service: return "service";
    case Role::notify: return "notify";
  }
  return "unknown";
}

const InstanceConfig* Config::find(Role role, const std::string& instance) const {
  for (const auto& candidate : instances)
    if (candidate.role == role && candidate.instance == instance) return &candidate;
  return nullptr;
}

std::string Config::where(const std::string& section, const std::string& key) const {
  int line = key.empty() ? 0 : ini.line_of(section, key);
  if (line == 0)
    for (const auto& candidate : ini.sections)
      if (candidate.name == section) line = candidate.line;
  return ini.location(line) + ": [" + section + "]" + (key.empty() ? "" : " " + key);
}

// ---- validation ------------------------------------------------------------

Expected<void> check_value(ConfigType type, const std::string& value) {
  const auto expected = [&](const std::string& what) {
    return failure("expected " + what + ", found \"" + value + "\"");
  };
  switch (type) {
    case ConfigType::string:
    case ConfigType::secret: return {};
    // Whether it names a webhook source is the builder's to say: it sees every section.
    case ConfigType::source_name: return {};
    case ConfigType::integer:
      if (!parse_integer(value)) return expected("a whole number");
      return {};
    case ConfigType::boolean:
      if (!parse_boolean(value)) return expected("true or false");
      return {};
    case ConfigType::duration:
      if (!parse_duration(value)) return expected("a duration such as 90s, 10m or 1h");
      return {};
    case ConfigType::url: {
      try {
        const Poco::URI uri(value);
        if ((uri.getScheme() == "http" || uri.getScheme() == "https") && !uri.getHost().empty())
          return {};
      } catch (const Poco::Exception&) {
      }
      return expected("an http:// or https:// URL");
    }
    case ConfigType::path:
      if (value.empty() || value.front() != '/') return expected("an absolute path");
      return {};
    case ConfigType::regex:
      if (const auto compiled = compile_regex(value); !compiled)
        return failure("not a valid regular expression (" + compiled.error().message + "): \"" +
                       value + "\"");
      return {};
  }
  return {};
}

namespace {

// "name", "name:port", "[v6]" or "[v6]:port", as a Host header carries it.
bool is_server_name(const std::string& value) {
  std::string host = value;
  std::string port;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string::npos || close == 1) return false;
    if (host.size() > close + 1) {
      if (host[close + 1] != ':') return false;
      port = host.substr(close + 2);
      if (port.empty()) return false;
    }
    host = host.substr(1, close - 1);
    if (host.find_first_not_of("0123456789abcdefABCDEF:.") != std::string::npos) return false;
  } else {
    if (const auto colon = host.find(':'); colon != std::string::npos) {
      port = host.substr(colon + 1);
      host = host.substr(0, colon);
      if (port.empty()) return false;
    }
    if (host.empty() ||
        host.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                               "0123456789-.") != std::string::npos)
      return false;
  }
  return port.size() <= 5 && port.find_first_not_of("0123456789") == std::string::npos;
}

// Keys that moved out of the core, and where to (plex_autoscan became a source plugin).
struct MovedKey {
  const char* section;
  const char* key;
  const char* new_section;
  const char* new_key;
  const char* why;  // what else changed with the move
};

constexpr const char* kPlexAutoscanMoved =
    "plex_autoscan compatibility is now the plex_autoscan source plugin; without sonarr, radarr "
    "or lidarr keys it forwards to the sources of those names, and its manual form's paths follow "
    "that section's rewrite, include and exclude, not [manual]'s";

constexpr MovedKey kMovedKeys[] = {
    {"server", "plex_autoscan_pass", "source.plex_autoscan", "pass", kPlexAutoscanMoved},
    {"server", "plex_autoscan_pass_file", "source.plex_autoscan", "pass_file", kPlexAutoscanMoved},
    {"server", "plex_autoscan_pass_env", "source.plex_autoscan", "pass_env", kPlexAutoscanMoved},
    {"server", "plex_autoscan_sonarr", "source.plex_autoscan", "sonarr", kPlexAutoscanMoved},
    {"server", "plex_autoscan_radarr", "source.plex_autoscan", "radarr", kPlexAutoscanMoved},
    {"server", "plex_autoscan_lidarr", "source.plex_autoscan", "lidarr", kPlexAutoscanMoved},
};

// A plugin's duration without a declared maximum (timeouts, intervals): longer
// is a typo, and could overflow where the plugin turns it into a deadline.
constexpr std::int64_t kLongestPluginDuration = 30LL * 24 * 3'600'000;  // 30d in ms

// The smallest pass: it is the URL's only credential.
constexpr std::size_t kShortestPass = 8;

bool is_url_safe(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_' ||
         c == '~';
}

// One key a section accepts, from the core or the plugin.
struct AcceptedKey {
  std::string name;
  ConfigType type;
  std::string default_value;
  bool has_default;
  bool repeatable;
  bool required;
  bool from_plugin;
  std::int64_t min = std::numeric_limits<std::int64_t>::min();
  std::int64_t max = std::numeric_limits<std::int64_t>::max();
  std::string why;  // said after a value out of bounds
};

// A bound as the user writes it: "1024", or for a duration "100ms", "1s", "1h".
std::string bound_text(ConfigType type, std::int64_t value) {
  if (type != ConfigType::duration) return std::to_string(value);
  for (const auto& [unit, ms] : std::initializer_list<std::pair<const char*, std::int64_t>>{
           {"d", 86'400'000}, {"h", 3'600'000}, {"m", 60'000}, {"s", 1000}})
    if (value != 0 && value % ms == 0) return std::to_string(value / ms) + unit;
  return std::to_string(value) + "ms";
}

// True when `value` is written as a whole number or a duration but does not
// fit 64 bits (in milliseconds for a duration), where parsing would wrap.
bool too_large(ConfigType type, const std::string& value) {
  if (type == ConfigType::integer) {
    const std::size_t from = !value.empty() && (value[0] == '+' || value[0] == '-') ? 1 : 0;
    return value.size() > from &&
           value.find_first_not_of("0123456789", from) == std::string::npos &&
           !parse_integer(value);
  }
  if (type != ConfigType::duration) return false;
  const std::size_t digits = std::min(value.find_first_not_of("0123456789"), value.size());
  if (digits == 0) return false;
  // The unit's size in milliseconds, as parse_duration reads it.
  const auto unit = parse_duration("1" + value.substr(digits));
  if (!unit) return false;
  // parse_duration takes 12 digits at most; more exceed every key's bound.
  if (digits > 12) return true;
  return *parse_integer(value.substr(0, digits)) >
         std::numeric_limits<std::int64_t>::max() / unit->count();
}

// Ok when `value` is within the key's bounds (or is not a number: check_value says so).
Expected<void> check_bounds(const AcceptedKey& key, const std::string& value) {
  constexpr auto kLowest = std::numeric_limits<std::int64_t>::min();
  constexpr auto kHighest = std::numeric_limits<std::int64_t>::max();
  const std::string why = key.why.empty() ? "" : " (" + key.why + ")";
  if (too_large(key.type, value))
    return failure("too large: " +
                   (key.max == kHighest ? std::string("it does not fit 64 bits")
                                        : "at most " + bound_text(key.type, key.max)) +
                   why + ", found \"" + value + "\"");
  std::optional<std::int64_t> number;
  if (key.type == ConfigType::integer) number = parse_integer(value);
  if (key.type == ConfigType::duration)
    if (const auto duration = parse_duration(value)) number = duration->count();
  if (!number || (*number >= key.min && *number <= key.max)) return {};
  std::string rule;
  if (key.max == kHighest)
    rule = "must be at least " + bound_text(key.type, key.min);
  else if (key.min == kLowest)
    rule = "must be at most " + bound_text(key.type, key.max);
  else
    rule = "must be from " + bound_text(key.type, key.min) + " to " + bound_text(key.type, key.max);
  return failure(rule + why + ", found \"" + value + "\"");
}

// The core's keys with the sections that read them, leaving out the section
// kind `here` ("[server]", "[target.NAME]"): where a key in the wrong section belongs.
std::vector<KeyHome> keys_elsewhere(const std::string& here) {
  std::vector<KeyHome> homes;
  const auto add = [&](const std::string& section, const auto& keys) {
    if (section == here) return;
    for (const auto& key : keys) {
      const auto home = std::find_if(homes.begin(), homes.end(),
                                     [&](const KeyHome& known) { return known.key == key.name; });
      if (home == homes.end())
        homes.push_back({key.name, {section}});
      else
        home->sections.push_back(section);
    }
  };
  add("[server]", server_keys());
  add("[queue]", queue_keys());
  add("[manual]", manual_keys());
  add("[source.NAME]", source_keys());
  add("[target.NAME]", target_keys());
  add("[notify.NAME]", notifier_keys());
  return homes;
}

// "[server]" for [server], "[target.NAME]" for [target.plex].
std::string section_kind(const std::string& section) {
  const auto dot = section.find('.');
  return dot == std::string::npos ? "[" + section + "]" : "[" + section.substr(0, dot) + ".NAME]";
}

class Validator {
 public:
  Validator(const IniFile& ini, const PluginCatalog& catalog) : ini_(ini), catalog_(catalog) {}

  Config run() {
    Config config;
    config.file = ini_.path;
    config.ini = ini_;
    config.plugin_dir = catalog_.folder().string();
    std::set<std::string> seen_sections;
    std::set<std::string> used_plugins;
    for (const auto& section : ini_.sections) {
      if (!seen_sections.insert(section.name).second) {
        error(section.line, section.name, "", "this section appears twice: merge the two into one");
        continue;
      }
      if (section.name == "server") {
        check_door_keys(section);
        config.server = read_core(without_moved_keys(section), server_keys());
      } else if (section.name == "queue") {
        config.queue = read_core(section, queue_keys());
      } else if (section.name == "manual") {
        check_rewrites(section);
        config.manual = read_core(section, manual_keys());
      } else if (auto instance = read_instance(section)) {
        used_plugins.insert(instance->plugin->name());
        config.instances.push_back(std::move(*instance));
      }
    }
    // Absent sections still get their defaults.
    if (!seen_sections.count("server")) config.server = read_core({"server", 0, {}}, server_keys());
    if (!seen_sections.count("queue")) config.queue = read_core({"queue", 0, {}}, queue_keys());
    if (!seen_sections.count("manual")) config.manual = read_core({"manual", 0, {}}, manual_keys());
    // Only between two accepted values: a refused one is not in its field.
    if (!refused_.count("queue retry_max") && !refused_.count("queue retry_initial") &&
        config.queue.retry_max < config.queue.retry_initial)
      error(ini_.line_of("queue", "retry_max"), "queue", "retry_max",
            "must not be below retry_initial");

    if (config.queue.history_retention.count() == 0 && !refused_.count("queue history_retention"))
      warn(ini_.line_of("queue", "history_retention"), "queue", "history_retention",
           "0s keeps no history: each finished delivery leaves the queue without a row in "
           "/api/history or the web UI's history (30d is the default)");
    for (const auto& note : warnings_) config.warnings.push_back(note);
    for (const auto& [stem, message] : catalog_.rejected())
      if (!used_plugins.count(stem))
        config.warnings.push_back(message + " (not used by the configuration: skipped)");
    if (!errors_.empty()) {
      std::string all;
      for (const auto& line : errors_) all += line + "\n";
      throw ConfigError(all);
    }
    return config;
  }

 private:
  // "FILE:LINE: [section] key: message"
  std::string said(int line, const std::string& section, const std::string& key,
                   const std::string& message) const {
    return ini_.location(line) + ": [" + section + "]" + (key.empty() ? "" : " " + key) + ": " +
           message;
  }

  void error(int line, const std::string& section, const std::string& key,
             const std::string& message) {
    errors_.push_back(said(line, section, key, message));
    refused_.insert(section + " " + key);
  }

  void warn(int line, const std::string& section, const std::string& key,
            const std::string& message) {
    warnings_.push_back(said(line, section, key, message));
  }

  // Bounded by the key's own bounds and by its field's type.
  template <class Settings>
  static std::vector<AcceptedKey> accepted_from(const std::vector<CoreKey<Settings>>& keys) {
    std::vector<AcceptedKey> accepted;
    for (const auto& key : keys)
      accepted.push_back({key.name, key.type, key.default_value ? key.default_value : "",
                          key.default_value != nullptr, key.field.repeatable, false, false,
                          std::max(key.min, key.field.min), std::min(key.max, key.field.max),
                          key.why ? key.why : ""});
    return accepted;
  }

  // The validated values of a section's core keys, stored in their fields.
  template <class Settings>
  Settings fill(const IniSection& section, const std::vector<CoreKey<Settings>>& keys,
                const std::map<std::string, std::vector<std::string>>& values) {
    Settings settings;
    for (const auto& key : keys) {
      const auto found = values.find(key.name);
      if (!key.field.store || found == values.end() || found->second.empty()) continue;
      if (const Expected<void> stored = key.field.store(settings, found->second); !stored) {
        int line = section.line;
        for (const auto& entry : section.entries)
          if (entry.key == key.name) line = entry.line;
        error(line, section.name, key.name, stored.error().text());
      }
    }
    return settings;
  }

  // Reads a secret from KEY_file or KEY_env when KEY itself is not given.
  static bool secret_given_elsewhere(const IniSection& section, const std::string& key) {
    return std::any_of(section.entries.begin(), section.entries.end(), [&](const IniEntry& entry) {
      return entry.key == key + "_file" || entry.key == key + "_env";
    });
  }

  std::optional<std::string> secret_from_elsewhere(const IniSection& section,
                                                   const std::string& key) {
    for (const auto& entry : section.entries) {
      if (entry.key == key + "_file") {
        std::ifstream in(entry.value);
        if (!in) {
          error(entry.line, section.name, entry.key,
                "cannot read the file \"" + entry.value + "\"");
          return std::nullopt;
        }
        std::ostringstream text;
        text << in.rdbuf();
        std::string value = text.str();
        while (!value.empty() && (value.back() == '\n' || value.back() == '\r')) value.pop_back();
        return value;
      }
      if (entry.key == key + "_env") {
        const char* value = std::getenv(entry.value.c_str());
        if (value == nullptr) {
          error(entry.line, section.name, entry.key,
                "the environment variable " + entry.value + " is not set");
          return std::nullopt;
        }
        return std::string(value);
      }
    }
    return std::nullopt;
  }

  // Checks every entry of a section against the keys it accepts; returns the
  // values with defaults filled in.
  std::map<std::string, std::vector<std::string>> read_keys(const IniSection& section,
                                                            const std::vector<AcceptedKey>& keys) {
    std::map<std::string, std::vector<std::string>> values;
    std::vector<std::string> names;
    for (const auto& key : keys) {
      names.push_back(key.name);
      if (key.type == ConfigType::secret) {
        names.push_back(key.name + "_file");
        names.push_back(key.name + "_env");
      }
    }
    std::map<std::string, int> first_line;
    // Keys the section sets, refused or not: one refusal each, never a second
    // "missing" for a key that is there with a bad value.
    std::set<std::string> given;
    for (const auto& entry : section.entries) {
      const auto key = std::find_if(keys.begin(), keys.end(),
                                    [&](const AcceptedKey& k) { return k.name == entry.key; });
      const bool secret_source = std::find(names.begin(), names.end(), entry.key) != names.end();
      if (key == keys.end()) {
        if (!secret_source)
          error(entry.line, section.name, entry.key,
                "unknown key" +
                    did_you_mean(entry.key, names, keys_elsewhere(section_kind(section.name))));
        continue;
      }
      given.insert(entry.key);
      if (!key->repeatable && first_line.count(entry.key)) {
        error(entry.line, section.name, entry.key,
              "set twice (first on line " + std::to_string(first_line[entry.key]) + "): keep one");
        continue;
      }
      first_line[entry.key] = entry.line;
      // Bounds first: a number too large for 64 bits must not reach parse_duration.
      if (const Expected<void> bounded = check_bounds(*key, entry.value); !bounded) {
        error(entry.line, section.name, entry.key, bounded.error().text());
        continue;
      }
      if (const Expected<void> checked = check_value(key->type, entry.value); !checked) {
        error(entry.line, section.name, entry.key, checked.error().text());
        continue;
      }
      // Accepted as plex_autoscan's SERVER_SCAN_DELAY was (seconds), but said.
      if (const auto seconds = parse_integer(entry.value);
          key->type == ConfigType::duration && seconds && *seconds > 0)
        warn(entry.line, section.name, entry.key,
             entry.value + " has no unit: read as " +
                 counted(static_cast<std::uint64_t>(*seconds), "second") + " (write " +
                 entry.value + "s to say so, or 250ms, 10m, 1h)");
      // Kept as Poco's IniFileConfiguration and Python's configparser keep them; a
      // plugin's text key may give quotes a meaning (the command target's argv).
      if (entry.value.size() >= 2 && (entry.value.front() == '"' || entry.value.front() == '\'') &&
          entry.value.back() == entry.value.front() &&
          !(key->from_plugin && key->type == ConfigType::string))
        warn(entry.line, section.name, entry.key,
             "value is wrapped in quotes; quotes are kept as part of it (remove them unless "
             "they belong to it)");
      values[entry.key].push_back(entry.value);
    }
    for (const auto& key : keys) {
      if (given.count(key.name)) continue;
      if (key.type == ConfigType::secret) {
        if (auto secret = secret_from_elsewhere(section, key.name)) {
          values[key.name].push_back(*secret);
          continue;
        }
        if (secret_given_elsewhere(section, key.name)) continue;  // its refusal is said
      }
      if (key.required) {
        error(section.line, section.name, key.name,
              "required key is missing" +
                  std::string(key.type == ConfigType::secret
                                  ? " (or set " + key.name + "_file or " + key.name + "_env)"
                                  : ""));
        continue;
      }
      if (key.has_default) values[key.name].push_back(key.default_value);
    }
    return values;
  }

  // [server]'s names and proxies, each on its own line.
  void check_door_keys(const IniSection& section) {
    for (const auto& entry : section.entries) {
      if (entry.key == "server_name" && !is_server_name(entry.value))
        error(entry.line, section.name, entry.key,
              "expected a host name or address as a browser's Host header says it, optionally "
              "with :PORT (scanhook.example.com, nas.local:3030, [fd00::5]), found \"" +
                  entry.value + "\"");
      if (entry.key == "trusted_proxies")
        if (const Expected<void> checked = TrustedProxies::check(entry.value); !checked)
          error(entry.line, section.name, entry.key, checked.error().text());
    }
  }

  // Each key that moved is an error saying exactly where it goes now (never
  // its value: a pass is a secret); the rest of the section is read as usual.
  IniSection without_moved_keys(const IniSection& section) {
    IniSection kept = section;
    kept.entries.clear();
    for (const auto& entry : section.entries) {
      const auto moved = std::find_if(
          std::begin(kMovedKeys), std::end(kMovedKeys),
          [&](const MovedKey& key) { return section.name == key.section && entry.key == key.key; });
      if (moved == std::end(kMovedKeys)) {
        kept.entries.push_back(entry);
        continue;
      }
      error(entry.line, section.name, entry.key,
            std::string("moved: write it as ") + moved->new_key + " in a [" + moved->new_section +
                "] section (" + moved->why + ")");
    }
    return kept;
  }

  // A source's pass is a URL path segment of its own.
  void check_pass(const IniSection& section, const InstanceConfig& config) {
    const std::string& pass = config.source().pass;
    if (pass.empty()) return;
    int line = section.line;
    for (const auto& entry : section.entries)
      if (entry.key == "pass" || entry.key == "pass_file" || entry.key == "pass_env")
        line = entry.line;
    bool safe = pass.size() >= kShortestPass;
    for (const char c : pass) safe = safe && is_url_safe(c);
    if (config.kind != kWebhookSource)
      error(line, section.name, "pass", "only a webhook source can have a pass");
    else if (!safe)
      error(line, section.name, "pass",
            "it is a URL path segment, so use " + std::to_string(kShortestPass) +
                " or more of the characters A-Z a-z 0-9 - . _ ~");
    else if (const auto [first, added] = passes_.emplace(pass, section.name); !added)
      error(line, section.name, "pass",
            "[" + first->second +
                "] has the same pass: each URL "
                "takes one source");
  }

  // Each rewrite rule of the section parses.
  void check_rewrites(const IniSection& section) {
    for (const auto& entry : section.entries)
      if (entry.key == "rewrite" || entry.key == "local_rewrite")
        if (const Expected<void> checked = PathRules::check_rule(entry.value); !checked)
          error(entry.line, section.name, entry.key, checked.error().text());
  }

  template <class Settings>
  Settings read_core(const IniSection& section, const std::vector<CoreKey<Settings>>& keys) {
    return fill(section, keys, read_keys(section, accepted_from(keys)));
  }

  static std::vector<AcceptedKey> core_keys_of(Role role) {
    switch (role) {
      case Role::source: return accepted_from(source_keys());
      case Role::target: return accepted_from(target_keys());
      case Role::service: return accepted_from(service_keys());
      case Role::notify: return accepted_from(notifier_keys());
    }
    return {};
  }

  // The role's core keys from their validated values.
  void fill_settings(const IniSection& section, InstanceConfig& config,
                     const std::map<std::string, std::vector<std::string>>& values) {
    switch (config.role) {
      case Role::source: config.settings = fill(section, source_keys(), values); break;
      case Role::target: config.settings = fill(section, target_keys(), values); break;
      case Role::service: config.settings = fill(section, service_keys(), values); break;
      case Role::notify: config.settings = fill(section, notifier_keys(), values); break;
    }
  }

  std::optional<InstanceConfig> read_instance(const IniSection& section) {
    const auto dot = section.name.find('.');
    const std::string role_word = section.name.substr(0, dot);
    const std::string instance = dot == std::string::npos ? "" : section.name.substr(dot + 1);
    Role role;
    if (role_word == "source")
      role = Role::source;
    else if (role_word == "target")
      role = Role::target;
    else if (role_word == "service")
      role = Role::service;
    else if (role_word == "notify")
      role = Role::notify;
    else {
      error(section.line, section.name, "",
            "unknown section: expected [server], [queue], [manual], [source.NAME], "
            "[target.NAME], [service.NAME] or [notify.NAME]" +
                did_you_mean(role_word, {"server", "queue", "manual", "source", "target", "service",
                                         "notify"}));
      return std::nullopt;
    }
    if (instance.empty() ||
        instance.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_-") != std::string::npos) {
      error(section.line, section.name, "",
            "an instance name is lowercase letters, digits, _ and -, e.g. [" + role_word +
                ".sonarr4k]");
      return std::nullopt;
    }

    // A service answers under /api/<instance>/: it must not shadow the core's own routes.
    static const std::set<std::string> kCoreApiNames = {
        "deadletters", "explain", "history", "queue", "scan", "services", "session", "targets"};
    if (role == Role::service && kCoreApiNames.count(instance)) {
      error(section.line, section.name, "",
            "a service cannot be named \"" + instance + "\": /api/" + instance +
                " is one of scanhook's own routes; choose another name, e.g. [service.plex_" +
                instance + "]");
      return std::nullopt;
    }

    if (role == Role::source && instance == "api") {
      error(section.line, section.name, "",
            "a source cannot be named \"api\": it is the source of POST /api/scan and the web "
            "UI's scans; choose another name");
      return std::nullopt;
    }
    if (role == Role::source && instance == "manual") {
      error(section.line, section.name, "",
            "a source cannot be named \"manual\": /triggers/manual is scanhook's built-in manual "
            "trigger (its rewrite, include, exclude and priority go in a [manual] section); "
            "choose another name");
      return std::nullopt;
    }

    std::string plugin_name = instance;
    int plugin_line = section.line;
    for (const auto& entry : section.entries)
      if (entry.key == "plugin") {
        plugin_name = entry.value;
        plugin_line = entry.line;
      }
    const auto plugin = catalog_.find(plugin_name);
    if (!plugin) {
      const std::string why =
          catalog_.rejection_for(plugin_name)
              .value_or("no plugin named \"" + plugin_name + "\" in " + catalog_.folder().string() +
                        did_you_mean(plugin_name, catalog_.names()) +
                        (catalog_.folder_missing() ? " (the folder does not exist)" : ""));
      error(plugin_line, section.name, "plugin", why);
      return std::nullopt;
    }

    InstanceConfig config;
    config.role = role;
    config.instance = instance;
    config.section = section.name;
    config.plugin = plugin;
    switch (role) {
      case Role::source:
        if (plugin->offers(kWebhookSource))
          config.kind = kWebhookSource;
        else if (plugin->offers(kPollingSource))
          config.kind = kPollingSource;
        else {
          error(plugin_line, section.name, "plugin",
                "plugin " + plugin_name + " offers no source: use it in a [target." + instance +
                    "] or [service." + instance + "] section");
          return std::nullopt;
        }
        break;
      case Role::target: config.kind = kTarget; break;
      case Role::service: config.kind = kService; break;
      case Role::notify: config.kind = kNotifier; break;
    }
    if (!plugin->offers(config.kind)) {
      error(plugin_line, section.name, "plugin",
            "plugin " + plugin_name + " offers no " + kind_name(config.kind));
      return std::nullopt;
    }

    std::vector<AcceptedKey> keys = core_keys_of(role);
    std::set<std::string> plugin_keys;
    const Descriptor& d = plugin->descriptor();
    for (std::uint32_t i = 0; i < d.config_key_count; ++i) {
      const ConfigKey& key = d.config_keys[i];
      if ((key.applies_to & config.kind) == 0) continue;
      if (std::any_of(keys.begin(), keys.end(),
                      [&](const AcceptedKey& k) { return k.name == key.name; }))
        continue;  // the core's key of the same name wins
      plugin_keys.insert(key.name);
      keys.push_back({key.name, key.type, key.default_value ? key.default_value : "",
                      key.default_value != nullptr, false, key.required, true});
      if (key.type == ConfigType::duration) keys.back().max = kLongestPluginDuration;
    }
    for (std::uint32_t i = 0; i < d.config_range_count; ++i) {
      const ConfigRange& range = d.config_ranges[i];
      for (auto& key : keys)
        if (key.from_plugin && key.name == range.key) {
          key.min = range.min;
          // A range with no maximum keeps the duration's cap.
          if (range.max != std::numeric_limits<std::int64_t>::max()) key.max = range.max;
        }
    }
    if (role != Role::service && role != Role::notify) check_rewrites(section);
    auto values = read_keys(section, keys);
    std::map<std::string, std::string> plugin_values;
    std::map<std::string, std::vector<std::string>> core_values;
    for (auto& [key, list] : values) {
      if (plugin_keys.count(key))
        plugin_values[key] = list.empty() ? "" : list.back();
      else
        core_values[key] = std::move(list);
    }
    config.plugin_config = ConfigView(std::move(plugin_values));
    fill_settings(section, config, core_values);
    if (role == Role::source) check_pass(section, config);
    return config;
  }

  const IniFile& ini_;
  const PluginCatalog& catalog_;
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;          // said by --check-config and at start
  std::set<std::string> refused_;              // "section key" of each refusal
  std::map<std::string, std::string> passes_;  // pass -> the section that has it
};

}  // namespace

std::string plugin_dir_of(const IniFile& ini, const std::string& fallback) {
  for (const auto& section : ini.sections)
    if (section.name == "server")
      for (const auto& entry : section.entries)
        if (entry.key == "plugin_dir" && !entry.value.empty()) return entry.value;
  return fallback;
}

std::set<std::string> plugins_named_by(const IniFile& ini) {
  std::set<std::string> names;
  for (const auto& section : ini.sections) {
    const auto dot = section.name.find('.');
    if (dot == std::string::npos) continue;
    std::string name = section.name.substr(dot + 1);
    for (const auto& entry : section.entries)
      if (entry.key == "plugin") name = entry.value;
    names.insert(name);
  }
  return names;
}

Config validate_config(const IniFile& ini, const PluginCatalog& catalog) {
  return Validator(ini, catalog).run();
}

}  // namespace scanhook::core
