// Loads a built plugin .so and makes an instance from INI lines, through the
// daemon's own loader and config validation.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "scanhook/core/config/config.hpp"
#include "scanhook/host.hpp"
#include "scanhook/instance.hpp"

namespace scanhook::testing {

using IniLines = std::vector<std::pair<std::string, std::string>>;

// build/lib/scanhook/plugins/<name>.so
std::filesystem::path plugin_file(const std::string& name);
// tests/data/<relative>, read whole; fails the test if missing.
std::string read_test_data(const std::string& relative);

// Validates `lines` as the section [<role>.<instance>] (with `plugin = <plugin>`)
// and creates the instance. Throws std::runtime_error with the daemon's message
// when validation or creation fails.
std::shared_ptr<Instance> make_instance(const std::string& plugin, core::Role role,
                                        const IniLines& lines, Host& host,
                                        const std::string& instance = "");

template <class T>
std::shared_ptr<T> make(const std::string& plugin, core::Role role, const IniLines& lines,
                        Host& host, const std::string& instance = "") {
  return std::static_pointer_cast<T>(make_instance(plugin, role, lines, host, instance));
}

}  // namespace scanhook::testing
