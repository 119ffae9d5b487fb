#include "support/plugin_harness.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

#include "scanhook/core/config/ini_file.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"

namespace scanhook::testing {

std::filesystem::path plugin_file(const std::string& name) {
  return std::filesystem::path(SCANHOOK_PLUGIN_BUILD_DIR) / (name + ".so");
}

std::string read_test_data(const std::string& relative) {
  const auto path = std::filesystem::path(SCANHOOK_TEST_DATA_DIR) / relative;
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("missing test data " + path.string());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::shared_ptr<Instance> make_instance(const std::string& plugin, core::Role role,
                                        const IniLines& lines, Host& host,
                                        const std::string& instance) {
  const std::string name = instance.empty() ? plugin : instance;
  std::string ini =
      "[" + std::string(core::role_name(role)) + "." + name + "]\nplugin = " + plugin + "\n";
  for (const auto& [key, value] : lines) ini += key + " = " + value + "\n";

  const auto catalog = core::PluginCatalog::scan(SCANHOOK_PLUGIN_BUILD_DIR);
  const auto config = core::validate_config(core::parse_ini(ini, "test.ini"), catalog);
  const core::InstanceConfig* section = config.find(role, name);
  if (section == nullptr) throw std::runtime_error("no section made for " + name);
  auto made = section->plugin->create(section->kind, name, section->plugin_config, host);
  if (!made) throw std::runtime_error(made.error().message);
  return std::move(made).value();
}

}  // namespace scanhook::testing
