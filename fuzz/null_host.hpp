// A Host for the fuzz targets: accepts every submission and keeps nothing,
// so memory stays flat over millions of runs.
#pragma once

#include "scanhook/host.hpp"

namespace scanhook::fuzz {

class NullHost final : public Host {
 public:
  void log(LogLevel, const std::string&) noexcept override {}
  bool submit(const std::vector<ScanEvent>&) noexcept override { return true; }
  std::optional<std::string> load(const std::string&) noexcept override { return std::nullopt; }
  std::vector<std::string> keys(const std::string&) noexcept override { return {}; }
  bool store_all(const std::vector<KeyValueChange>&) noexcept override { return true; }
};

}  // namespace scanhook::fuzz
