#include "scanhook/core/config/environment_settings.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

extern char** environ;

namespace scanhook::core {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

// "SOURCE_SONARR" -> "source.sonarr"; "SERVER" -> "server".
std::string section_name(const std::string& word) {
  std::string name = lower(word);
  for (const char* role : {"source_", "target_", "service_", "notify_"}) {
    const std::string prefix = role;
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0)
      return prefix.substr(0, prefix.size() - 1) + "." + name.substr(prefix.size());
  }
  return name;
}

std::vector<std::string> lines_of(const std::string& value) {
  std::vector<std::string> lines;
  std::istringstream in(value);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) lines.emplace_back();  // KEY= sets the key to ""
  return lines;
}

}  // namespace

void apply_environment(IniFile& ini, const std::vector<std::string>& environment) {
  const std::string prefix = kEnvironmentPrefix;
  int next_line = 1000000;  // past any real file's end
  for (const auto& [line, variable] : ini.variables) next_line = std::max(next_line, line + 1);
  std::vector<std::string> names;
  for (const auto& item : environment)
    if (item.compare(0, prefix.size(), prefix) == 0) names.push_back(item);
  std::sort(names.begin(), names.end());  // the same order whatever environ's
  for (const auto& item : names) {
    const auto equals = item.find('=');
    const std::string variable = item.substr(0, equals);
    const std::string value = equals == std::string::npos ? "" : item.substr(equals + 1);
    const std::string rest = variable.substr(prefix.size());
    const auto split = rest.find("__");
    if (split == std::string::npos || split == 0 || split + 2 >= rest.size() ||
        rest.find("__", split + 2) != std::string::npos)
      throw ConfigError("environment " + variable +
                        ": expected SCANHOOK__SECTION__KEY, e.g. SCANHOOK__SERVER__LISTEN or "
                        "SCANHOOK__SOURCE_SONARR__TOKEN");
    const std::string section = section_name(rest.substr(0, split));
    const std::string key = lower(rest.substr(split + 2));

    auto target = std::find_if(ini.sections.begin(), ini.sections.end(),
                               [&](const IniSection& s) { return s.name == section; });
    if (target == ini.sections.end()) {
      ini.variables[next_line] = variable;
      ini.sections.push_back({section, next_line++, {}});
      target = std::prev(ini.sections.end());
    }
    // The variable replaces the file's value, and for a secret also the file's
    // other way of giving it (token, token_file, token_env).
    std::string base = key;
    for (const std::string suffix : {"_file", "_env"})
      if (base.size() > suffix.size() &&
          base.compare(base.size() - suffix.size(), suffix.size(), suffix) == 0)
        base.resize(base.size() - suffix.size());
    auto& entries = target->entries;
    entries.erase(std::remove_if(entries.begin(), entries.end(),
                                 [&](const IniEntry& entry) {
                                   return entry.key == key ||
                                          (entry.key == base || entry.key == base + "_file" ||
                                           entry.key == base + "_env");
                                 }),
                  entries.end());
    for (const auto& line : lines_of(value)) {
      ini.variables[next_line] = variable;
      entries.push_back({key, line, next_line++});
    }
  }
}

std::vector<std::string> process_environment() {
  std::vector<std::string> items;
  for (char** item = environ; item != nullptr && *item != nullptr; ++item)
    items.emplace_back(*item);
  return items;
}

}  // namespace scanhook::core
