// An INI file as written: sections and keys in order, repeats kept, with
// line numbers so every config error can point at its line.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace scanhook::core {

struct IniEntry {
  std::string key;  // lowercased
  std::string value;
  int line = 0;
};

struct IniSection {
  std::string name;  // lowercased, e.g. "source.sonarr"
  int line = 0;
  std::vector<IniEntry> entries;
};

struct IniFile {
  std::string path;
  std::vector<IniSection> sections;
  // Settings from the environment (environment_settings.hpp) get line numbers
  // past the file's end; each such line's variable name.
  std::map<int, std::string> variables;

  // Where a line came from, for error messages: "FILE:LINE", "FILE" for line
  // 0 (a default), or "environment SCANHOOK__SERVER__LISTEN".
  std::string location(int line) const;
  // The line that set [section] key last (0: not set).
  int line_of(const std::string& section, const std::string& key) const;
};

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `;` and `#` start a comment at the start of a line or after white space.
// Throws ConfigError ("file:line: ...") on a line that is not a section,
// key = value, comment or blank.
IniFile parse_ini(const std::string& text, const std::string& path);
IniFile read_ini_file(const std::string& path);

}  // namespace scanhook::core
