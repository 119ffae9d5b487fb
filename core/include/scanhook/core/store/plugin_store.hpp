// Each plugin instance's key/value store (Host::load, keys, store_all),
// whichever database holds it: SqlitePluginStore or PostgresPluginStore.
// Every call names the instance: one instance never sees another's keys.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scanhook/host.hpp"

namespace scanhook::core {

class PluginStore {
 public:
  virtual ~PluginStore() = default;
  // Throw on a database failure (InstanceHost logs it for the plugin).
  virtual std::optional<std::string> load(const std::string& instance, const std::string& key) = 0;
  // The instance's keys starting with `prefix`, sorted.
  virtual std::vector<std::string> keys(const std::string& instance, const std::string& prefix) = 0;
  // All changes in one durable transaction (a nullopt value deletes the key).
  virtual void store_all(const std::string& instance,
                         const std::vector<KeyValueChange>& changes) = 0;
};

}  // namespace scanhook::core
