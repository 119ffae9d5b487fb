#include "scanhook/core/store/sqlite_plugin_store.hpp"

namespace scanhook::core {

std::optional<std::string> SqlitePluginStore::load(const std::string& instance,
                                                   const std::string& key) {
  return database_.read([&](SqlConnection& sql) -> std::optional<std::string> {
    auto& query = sql.prepare("SELECT value FROM plugin_store WHERE instance = ?1 AND key = ?2");
    query.bind(1, instance).bind(2, key);
    std::optional<std::string> value;
    if (query.step()) value = query.text(0);
    query.reset();
    return value;
  });
}

std::vector<std::string> SqlitePluginStore::keys(const std::string& instance,
                                                 const std::string& prefix) {
  return database_.read([&](SqlConnection& sql) {
    // substr, not LIKE: a prefix may hold % or _.
    auto& query = sql.prepare(
        "SELECT key FROM plugin_store WHERE instance = ?1 AND substr(key, 1, length(?2)) = ?2 "
        "ORDER BY key");
    query.bind(1, instance).bind(2, prefix);
    std::vector<std::string> found;
    while (query.step()) found.push_back(query.text(0));
    return found;
  });
}

void SqlitePluginStore::store_all(const std::string& instance,
                                  const std::vector<KeyValueChange>& changes) {
  database_.write([&](SqlConnection& sql) {
    for (const auto& [key, value] : changes) {
      if (value)
        sql.prepare("INSERT OR REPLACE INTO plugin_store(instance, key, value) VALUES(?1, ?2, ?3)")
            .bind(1, instance)
            .bind(2, key)
            .bind(3, *value)
            .run();
      else
        sql.prepare("DELETE FROM plugin_store WHERE instance = ?1 AND key = ?2")
            .bind(1, instance)
            .bind(2, key)
            .run();
    }
  });
}

}  // namespace scanhook::core
