// Every plugin found in the plugin folder: the ones that loaded, and why the
// others were refused.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scanhook/core/plugins/plugin_library.hpp"

namespace scanhook::core {

class PluginCatalog {
 public:
  // Loads every *.so in `folder`; never throws for a bad plugin. For
  // `scanhookd plugins`, which lists them all.
  static PluginCatalog scan(const std::filesystem::path& folder);
  // Loads only NAME.so for each of `names` (what a configuration uses): no
  // other plugin's code runs. A file whose plugin is not named NAME is refused.
  static PluginCatalog load_named(const std::filesystem::path& folder,
                                  const std::set<std::string>& names);

  std::shared_ptr<const PluginLibrary> find(const std::string& name) const;
  // The refusal of the file named after `name` (name.so), if it was refused;
  // folder_error() for every name when the folder cannot be listed.
  std::optional<std::string> rejection_for(const std::string& name) const;

  const std::filesystem::path& folder() const { return folder_; }
  const std::map<std::string, std::shared_ptr<const PluginLibrary>>& loaded() const {
    return loaded_;
  }
  // File stem → the one-line refusal.
  const std::map<std::string, std::string>& rejected() const { return rejected_; }
  // The plugins loaded; after load_named, every NAME.so in the folder.
  std::vector<std::string> names() const;
  bool folder_missing() const { return folder_missing_; }
  // "cannot list FOLDER: <reason>" when it exists but cannot be read (permissions).
  const std::optional<std::string>& folder_error() const { return folder_error_; }

 private:
  explicit PluginCatalog(const std::filesystem::path& folder);
  // The folder's *.so files, sorted; nullopt (and folder_error_ set) when it cannot be listed.
  std::optional<std::vector<std::filesystem::path>> list();

  std::filesystem::path folder_;
  bool folder_missing_ = false;
  std::optional<std::string> folder_error_;
  std::map<std::string, std::shared_ptr<const PluginLibrary>> loaded_;
  std::map<std::string, std::string> rejected_;
  std::vector<std::string> listed_;  // load_named: the stems of every .so in the folder
};

}  // namespace scanhook::core
