// A scanhook database opened read-only and never created, for the commands
// that only look (`db check`, `doctor`), also while the daemon runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scanhook/core/expected.hpp"

struct sqlite3;

namespace scanhook::core {

class ReadOnlyDatabase {
 public:
  // Opens `path` read-only, or SQLite's reason why not.
  static Expected<ReadOnlyDatabase> open(const std::string& path);

  // Each row's first column of `sql` as text, or SQLite's message.
  Expected<std::vector<std::string>> rows(const std::string& sql);

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  explicit ReadOnlyDatabase(std::unique_ptr<sqlite3, Close> db) : db_(std::move(db)) {}

  std::unique_ptr<sqlite3, Close> db_;
};

}  // namespace scanhook::core
