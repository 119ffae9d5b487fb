// The INI reader and the config validation (core/src/config/ini_file.cpp,
// config.cpp, environment_settings.cpp): the input is a scanhook.ini; its
// lines that start "SCANHOOK__" are also given as environment settings.
// No plugin is loaded, so [source.*]/[target.*] sections stop at "unknown
// plugin"; the core's own sections and every value type are checked in full.
// Finding: a crash, a sanitizer report, or an exception other than ConfigError.
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "scanhook/core/config/config.hpp"
#include "scanhook/core/config/environment_settings.hpp"
#include "scanhook/core/config/ini_file.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const auto catalog = scanhook::core::PluginCatalog::scan("/nonexistent/scanhook-fuzz");
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> environment;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);)
    if (line.rfind("SCANHOOK__", 0) == 0) environment.push_back(line);
  try {
    auto ini = scanhook::core::parse_ini(text, "fuzz.ini");
    scanhook::core::apply_environment(ini, environment);
    (void)scanhook::core::plugin_dir_of(ini, "/nonexistent");
    (void)scanhook::core::validate_config(ini, catalog);
  } catch (const scanhook::core::ConfigError&) {
  }
  return 0;
}
