#include "scanhook/core/config/ini_file.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string_view>

namespace scanhook::core {

namespace {

std::string trim(const std::string& text) {
  const auto begin = text.find_first_not_of(" \t\r");
  if (begin == std::string::npos) return {};
  const auto end = text.find_last_not_of(" \t\r");
  return text.substr(begin, end - begin + 1);
}

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return text;
}

std::string strip_comment(const std::string& line) {
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((line[i] == ';' || line[i] == '#') && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t'))
      return line.substr(0, i);
  }
  return line;
}

}  // namespace

IniFile parse_ini(const std::string& text, const std::string& path) {
  IniFile file{path, {}, {}};
  // Notepad starts a UTF-8 file with a byte order mark.
  constexpr std::string_view kByteOrderMark = "\xEF\xBB\xBF";
  std::istringstream in(text.compare(0, kByteOrderMark.size(), kByteOrderMark) == 0
                            ? text.substr(kByteOrderMark.size())
                            : text);
  std::string raw;
  int number = 0;
  while (std::getline(in, raw)) {
    ++number;
    const std::string line = trim(strip_comment(raw));
    if (line.empty()) continue;
    const std::string where = path + ":" + std::to_string(number) + ": ";
    if (line.front() == '[') {
      if (line.back() != ']' || line.size() < 3)
        throw ConfigError(where + "a section header must look like [name]");
      file.sections.push_back({lower(trim(line.substr(1, line.size() - 2))), number, {}});
      continue;
    }
    const auto equals = line.find('=');
    if (equals == std::string::npos)
      throw ConfigError(where + "expected key = value, found \"" + line + "\"");
    if (file.sections.empty())
      throw ConfigError(where +
                        "key before any [section]: put it under [server] or another section");
    const std::string key = lower(trim(line.substr(0, equals)));
    if (key.empty()) throw ConfigError(where + "a key is missing before '='");
    file.sections.back().entries.push_back({key, trim(line.substr(equals + 1)), number});
  }
  return file;
}

std::string IniFile::location(int line) const {
  if (const auto variable = variables.find(line); variable != variables.end())
    return "environment " + variable->second;
  return line > 0 ? path + ":" + std::to_string(line) : path;
}

int IniFile::line_of(const std::string& section, const std::string& key) const {
  int line = 0;
  for (const auto& candidate : sections)
    if (candidate.name == section)
      for (const auto& entry : candidate.entries)
        if (entry.key == key) line = entry.line;
  return line;
}

IniFile read_ini_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw ConfigError(path + ": cannot read the configuration file");
  // A folder opens as a stream and reads as nothing: an empty configuration.
  std::error_code error;
  if (std::filesystem::is_directory(path, error))
    throw ConfigError(path + ": is a folder, not a configuration file");
  std::ostringstream text;
  text << in.rdbuf();
  return parse_ini(text.str(), path);
}

}  // namespace scanhook::core
