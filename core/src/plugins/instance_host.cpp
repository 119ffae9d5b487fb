#include "scanhook/core/plugins/instance_host.hpp"

#include <Poco/Logger.h>

#include "scanhook/core/app/log_excerpt.hpp"
#include "scanhook/core/store/sqlite_plugin_store.hpp"

namespace scanhook::core {

InstanceHost::InstanceHost(std::string instance, std::unique_ptr<PluginStore> owned,
                           SubmitFunction submit, DropFunction drop)
    : InstanceHost(std::move(instance), *owned, std::move(submit), std::move(drop)) {
  owned_store_ = std::move(owned);
}

InstanceHost::InstanceHost(std::string instance, Database& database, SubmitFunction submit,
                           DropFunction drop)
    : InstanceHost(std::move(instance), std::make_unique<SqlitePluginStore>(database),
                   std::move(submit), std::move(drop)) {}

InstanceHost::InstanceHost(std::string instance, PluginStore& store, SubmitFunction submit,
                           DropFunction drop)
    : instance_(std::move(instance)),
      store_(store),
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
    return store_.load(instance_, key);
  } catch (const std::exception& error) {
    log(LogLevel::error, std::string("cannot read the store: ") + error.what());
    return std::nullopt;
  }
}

std::vector<std::string> InstanceHost::keys(const std::string& prefix) noexcept {
  try {
    return store_.keys(instance_, prefix);
  } catch (const std::exception& error) {
    log(LogLevel::error, std::string("cannot read the store: ") + error.what());
    return {};
  }
}

bool InstanceHost::store_all(const std::vector<KeyValueChange>& changes) noexcept {
  try {
    store_.store_all(instance_, changes);
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
