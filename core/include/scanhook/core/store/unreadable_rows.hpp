// The rows listings had to leave out because they could not be read
// (row_reader.hpp): each is logged once, with its table, id and what is wrong
// with it, however often it is listed, and counted per table so an answer can
// say that rows are missing.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace scanhook::core {

class UnreadableRows {
 public:
  // Row `id` of `table` was skipped because of `why`; logged (logger
  // "scanhook.database", warning) the first time only.
  void skipped(const std::string& table, std::int64_t id, const std::string& why);
  // How many distinct rows of `table` were skipped so far.
  std::size_t count(const std::string& table) const;

 private:
  mutable std::mutex mutex_;
  std::set<std::pair<std::string, std::int64_t>> seen_;
};

}  // namespace scanhook::core
