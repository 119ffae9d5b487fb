// A plugin's view of its own INI section: plain keys and values, already
// validated against the keys the plugin declared, defaults filled in.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "scanhook/config_value.hpp"

namespace scanhook {

class ConfigView {
 public:
  ConfigView() = default;
  explicit ConfigView(std::map<std::string, std::string> values) : values_(std::move(values)) {}

  bool has(const std::string& key) const { return values_.count(key) != 0; }

  std::string string(const std::string& key, const std::string& fallback = {}) const {
    const auto it = values_.find(key);
    return it == values_.end() ? fallback : it->second;
  }
  std::int64_t integer(const std::string& key, std::int64_t fallback = 0) const {
    const auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    return parse_integer(it->second).value_or(fallback);
  }
  bool boolean(const std::string& key, bool fallback = false) const {
    const auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    return parse_boolean(it->second).value_or(fallback);
  }
  std::chrono::milliseconds duration(const std::string& key,
                                     std::chrono::milliseconds fallback = {}) const {
    const auto it = values_.find(key);
    if (it == values_.end()) return fallback;
    return parse_duration(it->second).value_or(fallback);
  }

  const std::map<std::string, std::string>& values() const { return values_; }

 private:
  std::map<std::string, std::string> values_;
};

}  // namespace scanhook
