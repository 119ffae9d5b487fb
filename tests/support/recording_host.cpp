#include "support/recording_host.hpp"

namespace scanhook::testing {

void RecordingHost::log(LogLevel level, const std::string& message) noexcept {
  std::lock_guard lock(mutex_);
  logs_.emplace_back(level, message);
}

bool RecordingHost::submit(const std::vector<ScanEvent>& events) noexcept {
  std::lock_guard lock(mutex_);
  if (fail_submits_) return false;
  submitted_.insert(submitted_.end(), events.begin(), events.end());
  return true;
}

void RecordingHost::record_dropped(const ScanEvent& event, const std::string& reason) noexcept {
  std::lock_guard lock(mutex_);
  dropped_.push_back(event.path + ": " + reason);
}

std::vector<std::string> RecordingHost::dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

std::optional<std::string> RecordingHost::load(const std::string& key) noexcept {
  std::lock_guard lock(mutex_);
  const auto it = store_.find(key);
  if (it == store_.end()) return std::nullopt;
  return it->second;
}

std::vector<std::string> RecordingHost::keys(const std::string& prefix) noexcept {
  std::lock_guard lock(mutex_);
  std::vector<std::string> found;
  for (auto it = store_.lower_bound(prefix); it != store_.end() && it->first.rfind(prefix, 0) == 0;
       ++it)
    found.push_back(it->first);
  return found;
}

bool RecordingHost::store_all(const std::vector<KeyValueChange>& changes) noexcept {
  std::lock_guard lock(mutex_);
  if (fail_stores_) return false;
  for (const auto& [key, value] : changes) {
    if (value)
      store_[key] = *value;
    else
      store_.erase(key);
  }
  return true;
}

std::vector<ScanEvent> RecordingHost::submitted() const {
  std::lock_guard lock(mutex_);
  return submitted_;
}

std::vector<std::pair<LogLevel, std::string>> RecordingHost::logs() const {
  std::lock_guard lock(mutex_);
  return logs_;
}

bool RecordingHost::logged(const std::string& text) const {
  std::lock_guard lock(mutex_);
  for (const auto& [level, message] : logs_)
    if (message.find(text) != std::string::npos) return true;
  return false;
}

std::map<std::string, std::string> RecordingHost::stored() const {
  std::lock_guard lock(mutex_);
  return store_;
}

void RecordingHost::clear_submitted() {
  std::lock_guard lock(mutex_);
  submitted_.clear();
}

void RecordingHost::fail_submits(bool fail) {
  std::lock_guard lock(mutex_);
  fail_submits_ = fail;
}

void RecordingHost::fail_stores(bool fail) {
  std::lock_guard lock(mutex_);
  fail_stores_ = fail;
}

}  // namespace scanhook::testing
