#include "scanhook/core/store/unreadable_rows.hpp"

#include <Poco/Logger.h>

#include <algorithm>

namespace scanhook::core {

void UnreadableRows::skipped(const std::string& table, std::int64_t id, const std::string& why) {
  {
    std::lock_guard lock(mutex_);
    if (!seen_.emplace(table, id).second) return;
  }
  Poco::Logger::get("scanhook.database")
      .warning(table + " row " + std::to_string(id) + " cannot be read (" + why +
               "): left out of listings; `scanhookd db check` looks for damage");
}

std::size_t UnreadableRows::count(const std::string& table) const {
  std::lock_guard lock(mutex_);
  return static_cast<std::size_t>(std::count_if(
      seen_.begin(), seen_.end(), [&](const auto& row) { return row.first == table; }));
}

}  // namespace scanhook::core
