// The Host a plugin instance gets: a Poco logger named "scanhook.<instance>",
// submission through the core's ingest, and its own slice of the plugin
// store (plugin_store.hpp: other instances' keys are out of reach).
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/plugin_store.hpp"
#include "scanhook/host.hpp"
#include "scanhook/target_description.hpp"

namespace Poco {
class Logger;
}

namespace scanhook::core {

// Submits a source's events; true once committed.
using SubmitFunction =
    std::function<bool(const std::string& source, const std::vector<ScanEvent>&)>;
// Keeps a source's event that it will not queue, with the reason (Host::record_dropped).
using DropFunction = std::function<void(const std::string& source, const ScanEvent& event,
                                        const std::string& reason)>;

// One line of a plugin's log, cut to kLoggedMessageBytes; never throws.
void log_plugin_line(Poco::Logger& logger, LogLevel level, const std::string& message) noexcept;

class InstanceHost final : public Host {
 public:
  // Without `drop` (a command with no queue), a dropped event is only logged.
  InstanceHost(std::string instance, PluginStore& store, SubmitFunction submit,
               DropFunction drop = nullptr);
  // With the SQLite plugin store of `database` (the commands' scratch databases).
  InstanceHost(std::string instance, Database& database, SubmitFunction submit,
               DropFunction drop = nullptr);

  void log(LogLevel level, const std::string& message) noexcept override;
  bool submit(const std::vector<ScanEvent>& events) noexcept override;
  std::optional<std::string> load(const std::string& key) noexcept override;
  std::vector<std::string> keys(const std::string& prefix) noexcept override;
  bool store_all(const std::vector<KeyValueChange>& changes) noexcept override;
  void record_dropped(const ScanEvent& event, const std::string& reason) noexcept override;
  void offer_description(Describable& describable) noexcept override;

  // What the instance offered through offer_description, or null (a plugin
  // before SDK 1.2, or one that cannot describe its server).
  Describable* describable() const { return describable_; }

 private:
  InstanceHost(std::string instance, std::unique_ptr<PluginStore> owned, SubmitFunction submit,
               DropFunction drop);

  std::string instance_;
  std::unique_ptr<PluginStore> owned_store_;  // the Database& form's
  PluginStore& store_;
  SubmitFunction submit_;
  DropFunction drop_;
  Poco::Logger& logger_;
  Describable* describable_ = nullptr;
};

}  // namespace scanhook::core
