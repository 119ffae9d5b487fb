// A config key a plugin declares; the core validates each INI section
// against these before the plugin sees it.
#pragma once

#include <cstdint>

namespace scanhook {

enum class ConfigType : std::uint32_t {
  string,
  secret,  // like string, but may come from KEY_file or KEY_env, and is never logged
  integer,
  boolean,
  duration,  // "90s", "10m", "1h", "250ms", or a bare number of seconds
  url,       // http:// or https://
  path,      // absolute
  regex,     // RE2 syntax (no backreferences, no lookaround)
  // SDK 1.2: the instance name of another [source.NAME] section of this
  // daemon that takes webhooks itself (not one that hands them on), or empty.
  // The core refuses a value set in the INI that names no such section, with
  // the file, line, section and key; a default that names none is a warning
  // (the plugin must answer what it would have handed on). A plugin that
  // declares such a key is taken to hand webhooks on (ForwardingSource), so
  // no other section may name it. The key is named after the plugin whose
  // webhooks it hands on (`sonarr`), and the named section must run that
  // plugin: a source of another plugin is refused too.
  source_name,
};

struct ConfigKey {
  const char* name;
  ConfigType type;
  const char* default_value;  // nullptr: no default
  std::uint32_t applies_to;   // Kind bits: which sections of the plugin accept it
  bool required;
  const char* help;
};

// SDK 1.2: the smallest and largest value of an integer key, or of a
// duration key in milliseconds. The core refuses a value outside them with
// the file, line, section and key, before the plugin sees the section.
struct ConfigRange {
  const char* key;
  std::int64_t min;
  std::int64_t max;
};

inline const char* config_type_name(ConfigType type) {
  switch (type) {
    case ConfigType::string: return "string";
    case ConfigType::secret: return "secret";
    case ConfigType::integer: return "integer";
    case ConfigType::boolean: return "boolean";
    case ConfigType::duration: return "duration";
    case ConfigType::url: return "url";
    case ConfigType::path: return "path";
    case ConfigType::regex: return "regex";
    case ConfigType::source_name: return "source name";
  }
  return "unknown";
}

}  // namespace scanhook
