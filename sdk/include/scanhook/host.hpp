// What the core offers a plugin instance: logging, durable submission of
// events, and a small key/value store of its own kept in the core's database.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "scanhook/scan_event.hpp"

namespace scanhook {

class Describable;

enum class LogLevel { debug, info, warning, error };

// One change for Host::store_all: a value to write, or nullopt to erase.
using KeyValueChange = std::pair<std::string, std::optional<std::string>>;

class Host {
 public:
  virtual void log(LogLevel level, const std::string& message) noexcept = 0;

  // Rewrites, filters and queues the events like a webhook's. True once they
  // are committed to the database; false (and logged) when they could not be.
  virtual bool submit(const std::vector<ScanEvent>& events) noexcept = 0;

  // The instance's own keys; other instances' keys are out of reach.
  virtual std::optional<std::string> load(const std::string& key) noexcept = 0;
  virtual std::vector<std::string> keys(const std::string& prefix) noexcept = 0;
  // Applies every change in one transaction; false when nothing was written.
  virtual bool store_all(const std::vector<KeyValueChange>& changes) noexcept = 0;

  // An event the source names but will not queue, and why (a delete that kept
  // the files, a failed import's files still in the download folder): the
  // core keeps it in the history (outcome "ignored", no target) and logs one
  // info line, so nothing a sender named vanishes. Since SDK 1.1; declared
  // after the 1.0 members so their places stay. A host that does not keep a
  // history only logs it.
  virtual void record_dropped(const ScanEvent& event, const std::string& reason) noexcept {
    log(LogLevel::info, "not queued: " + event.path + ": " + reason);
  }

  // A target offers to describe itself (target_description.hpp); `describable`
  // must live as long as the instance. Since SDK 1.2, declared after the 1.1
  // members so their places stay. A host with no use for it ignores it.
  virtual void offer_description(Describable& describable) noexcept { (void)describable; }

  bool store(const std::string& key, const std::string& value) noexcept {
    return store_all({{key, value}});
  }
  bool erase(const std::string& key) noexcept { return store_all({{key, std::nullopt}}); }

 protected:
  ~Host() = default;
};

}  // namespace scanhook
