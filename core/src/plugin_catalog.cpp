#include "scanhook/core/plugin_catalog.hpp"

#include <algorithm>

namespace scanhook::core {

PluginCatalog PluginCatalog::scan(const std::filesystem::path& folder) {
  PluginCatalog catalog;
  catalog.folder_ = folder;
  std::error_code error;
  if (!std::filesystem::is_directory(folder, error)) {
    catalog.folder_missing_ = true;
    return catalog;
  }
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(folder, error))
    if (entry.path().extension() == ".so") files.push_back(entry.path());
  std::sort(files.begin(), files.end());

  for (const auto& file : files) {
    const std::string stem = file.stem().string();
    auto outcome = PluginLibrary::load(file);
    if (auto* message = std::get_if<std::string>(&outcome)) {
      catalog.rejected_[stem] = *message;
      continue;
    }
    auto library = std::get<std::shared_ptr<const PluginLibrary>>(std::move(outcome));
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

std::shared_ptr<const PluginLibrary> PluginCatalog::find(const std::string& name) const {
  const auto it = loaded_.find(name);
  return it == loaded_.end() ? nullptr : it->second;
}

std::string PluginCatalog::rejection_for(const std::string& name) const {
  const auto it = rejected_.find(name);
  return it == rejected_.end() ? std::string{} : it->second;
}

std::vector<std::string> PluginCatalog::names() const {
  std::vector<std::string> names;
  for (const auto& [name, library] : loaded_) names.push_back(name);
  return names;
}

}  // namespace scanhook::core
