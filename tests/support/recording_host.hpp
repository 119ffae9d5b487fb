// A Host for plugin tests: keeps what a plugin submits, logs and stores.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "scanhook/host.hpp"

namespace scanhook::testing {

class RecordingHost final : public Host {
 public:
  void log(LogLevel level, const std::string& message) noexcept override;
  bool submit(const std::vector<ScanEvent>& events) noexcept override;
  std::optional<std::string> load(const std::string& key) noexcept override;
  std::vector<std::string> keys(const std::string& prefix) noexcept override;
  bool store_all(const std::vector<KeyValueChange>& changes) noexcept override;
  void record_dropped(const ScanEvent& event, const std::string& reason) noexcept override;

  std::vector<ScanEvent> submitted() const;
  std::vector<std::pair<LogLevel, std::string>> logs() const;
  // What record_dropped was given: "<path>: <reason>", in order.
  std::vector<std::string> dropped() const;
  // True when some log line contains `text`.
  bool logged(const std::string& text) const;
  std::map<std::string, std::string> stored() const;
  void clear_submitted();
  // Makes submit() fail, as when the database is unavailable.
  void fail_submits(bool fail);
  // Makes store_all() fail and write nothing, as when the database is unavailable.
  void fail_stores(bool fail);

 private:
  mutable std::mutex mutex_;
  std::vector<ScanEvent> submitted_;
  std::vector<std::pair<LogLevel, std::string>> logs_;
  std::vector<std::string> dropped_;
  std::map<std::string, std::string> store_;
  bool fail_submits_ = false;
  bool fail_stores_ = false;
};

}  // namespace scanhook::testing
