#include "scanhook/core/plugins/plugin_catalog.hpp"

#include <algorithm>

namespace scanhook::core {

namespace {

// The *.so files of `folder`, sorted (listed, not loaded); nullopt when it cannot be listed.
std::optional<std::vector<std::filesystem::path>> shared_libraries(
    const std::filesystem::path& folder, std::error_code& error) {
  std::vector<std::filesystem::path> files;
  std::filesystem::directory_iterator entry(folder, error);
  for (; !error && entry != std::filesystem::directory_iterator(); entry.increment(error))
    if (entry->path().extension() == ".so") files.push_back(entry->path());
  if (error) return std::nullopt;
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

PluginCatalog::PluginCatalog(const std::filesystem::path& folder) : folder_(folder) {
  std::error_code error;
  const auto status = std::filesystem::status(folder, error);
  if (error && error != std::errc::no_such_file_or_directory && error != std::errc::not_a_directory)
    folder_error_ = "cannot list " + folder.string() + ": " + error.message();
  else
    folder_missing_ = !std::filesystem::is_directory(status);
}

std::optional<std::vector<std::filesystem::path>> PluginCatalog::list() {
  std::error_code error;
  auto files = shared_libraries(folder_, error);
  if (!files) folder_error_ = "cannot list " + folder_.string() + ": " + error.message();
  return files;
}

PluginCatalog PluginCatalog::scan(const std::filesystem::path& folder) {
  PluginCatalog catalog(folder);
  if (catalog.folder_missing_ || catalog.folder_error_) return catalog;
  const auto files = catalog.list();
  if (!files) return catalog;

  for (const auto& file : *files) {
    const std::string stem = file.stem().string();
    auto loaded = PluginLibrary::load(file);
    if (!loaded) {
      catalog.rejected_[stem] = loaded.error().message;
      continue;
    }
    auto library = std::move(loaded).value();
    const std::string name = library->name();
    if (const auto existing = catalog.loaded_.find(name); existing != catalog.loaded_.end()) {
      catalog.rejected_[stem] = "plugin " + file.string() +
                                " rejected: expected one plugin named " + name +
                                ", found a second one (first in " +
                                existing->second->file().string() + "): remove one of them";
      continue;
    }
    catalog.loaded_.emplace(name, std::move(library));
  }
  return catalog;
}

PluginCatalog PluginCatalog::load_named(const std::filesystem::path& folder,
                                        const std::set<std::string>& names) {
  PluginCatalog catalog(folder);
  if (catalog.folder_missing_ || catalog.folder_error_) return catalog;
  // Listed, not loaded: the names a misspelt plugin is compared with.
  const auto files = catalog.list();
  if (!files) return catalog;
  for (const auto& file : *files) catalog.listed_.push_back(file.stem().string());

  for (const auto& name : names) {
    const auto file = folder / (name + ".so");
    if (std::find(files->begin(), files->end(), file) == files->end()) continue;
    auto loaded = PluginLibrary::load(file);
    if (!loaded) {
      catalog.rejected_[name] = loaded.error().message;
      continue;
    }
    auto library = std::move(loaded).value();
    if (library->name() != name) {
      catalog.rejected_[name] = "plugin " + file.string() + " rejected: expected the plugin " +
                                name + ", found one named " + library->name() +
                                " (plugin NAME is loaded from NAME.so): rename the file to " +
                                library->name() + ".so";
      continue;
    }
    catalog.loaded_.emplace(name, std::move(library));
  }
  return catalog;
}

std::shared_ptr<const PluginLibrary> PluginCatalog::find(const std::string& name) const {
  const auto it = loaded_.find(name);
  return it == loaded_.end() ? nullptr : it->second;
}

std::optional<std::string> PluginCatalog::rejection_for(const std::string& name) const {
  const auto it = rejected_.find(name);
  if (it != rejected_.end()) return it->second;
  return folder_error_;
}

std::vector<std::string> PluginCatalog::names() const {
  if (!listed_.empty()) return listed_;
  std::vector<std::string> names;
  for (const auto& [name, library] : loaded_) names.push_back(name);
  return names;
}

}  // namespace scanhook::core
