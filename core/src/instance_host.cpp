#include "scanhook/core/instance_host.hpp"

#include <Poco/Logger.h>

#include "scanhook/core/log_excerpt.hpp"

namespace scanhook::core {

InstanceHost::InstanceHost(std::string instance, Database& database, SubmitFunction submit,
                           DropFunction drop)
    : instance_(std::move(instance)),
      database_(database),
      submit_(std::move(submit)),
      drop_(std::move(drop)),
      logger_(Poco::Logger::get("scanhook." + instance_)) {}

void log_plugin_line(Poco::Logger& logger, LogLevel level, const std::string& message) noexcept {
  try {
    const std::string line = log_excerpt(message, kLoggedMessageBytes);
    switch (level) {
      case LogLevel::debug: logger.debug(line); break;
      case LogLevel::info: logger.information(line); break;
      case LogLevel::warning: logger.warning(line); break;
      case LogLevel::error: logger.error(line); break;
    }
  } catch (...) {
    // A log channel that fails must not take the plugin down.
  }
}

void InstanceHost::log(LogLevel level, const std::string& message) noexcept {
  log_plugin_line(logger_, level, message);
}

bool InstanceHost::submit(const std::vector<ScanEvent>& events) noexcept {
  try {
    return submit_(instance_, events);
  } catch (const std::exception& error) {
    log(LogLevel::error, std::string("submit failed: ") + error.what());
    return false;
  }
}

void InstanceHost::record_dropped(const ScanEvent& event, const std::string& reason) noexcept {
  try {
    if (!drop_) return Host::record_dropped(event, reason);
    drop_(instance_, event, reason);
  } catch (const std::exception& error) {
    log(LogLevel::error, std::string("could not keep a dropped event: ") + error.what());
  }
}

std::optional<std::string> InstanceHost::load(const std::string& key) noexcept {
  try {
    return database_.read([&](SqlConnection& sql) -> std::optional<std::string> {
      auto& query = sql.prepare("SELECT value FROM plugin_store WHERE instance = ?1 AND key = ?2");
      query.bind(1, instance_).bind(2, key);
      std::optional<std::string> value;
      if (query.step()) value = query.text(0);
      query.reset();
      return value;
    });
  } catch (const std::exception& error) {
    log(LogLevel::error, std::string("cannot read the store: ") + error.what());
    return std::nullopt;
  }
}

std::vector<std::string> InstanceHost::keys(const std::string& prefix) noexcept {
  try {
    return database_.read([&](SqlConnection& sql) {
      // substr, not LIKE: a prefix may hold % or _.
      auto& query = sql.prepare(
          "SELECT key FROM plugin_store WHERE instance = ?1 AND substr(key, 1, length(?2)) = ?2 "
          "ORDER BY key");
      query.bind(1, instance_).bind(2, prefix);
      std::vector<std::string> found;
      while (query.step()) found.push_back(query.text(0));
      return found;
    });
  } catch (const std::exception& error) {
    log(LogLevel::error, std::string("cannot read the store: ") + error.what());
    return {};
  }
}

bool InstanceHost::store_all(const std::vector<KeyValueChange>& changes) noexcept {
  try {
    database_.write([&](SqlConnection& sql) {
      for (const auto& [key, value] : changes) {
        if (value)
          sql.prepare(
                 "INSERT OR REPLACE INTO plugin_store(instance, key, value) VALUES(?1, ?2, ?3)")
              .bind(1, instance_)
              .bind(2, key)
              .bind(3, *value)
              .run();
        else
          sql.prepare("DELETE FROM plugin_store WHERE instance = ?1 AND key = ?2")
              .bind(1, instance_)
              .bind(2, key)
              .run();
      }
    });
    return true;
  } catch (const std::exception& error) {
    log(LogLevel::error, std::string("cannot write the store: ") + error.what());
    return false;
  }
}

void InstanceHost::offer_description(Describable& describable) noexcept {
  describable_ = &describable;
}

}  // namespace scanhook::core
