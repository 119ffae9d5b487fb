// The plugin key/value store (plugin_store.hpp) in SQLite's plugin_store table.
#pragma once

#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/plugin_store.hpp"

namespace scanhook::core {

class SqlitePluginStore final : public PluginStore {
 public:
  explicit SqlitePluginStore(Database& database) : database_(database) {}

  std::optional<std::string> load(const std::string& instance, const std::string& key) override;
  std::vector<std::string> keys(const std::string& instance, const std::string& prefix) override;
  void store_all(const std::string& instance, const std::vector<KeyValueChange>& changes) override;

 private:
  Database& database_;
};

}  // namespace scanhook::core
