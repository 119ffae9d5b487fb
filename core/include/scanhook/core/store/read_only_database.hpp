// A scanhook database opened read-only and never created, for the commands
// that only look (`db check`, `doctor`), also while the daemon runs.
#pragma once

#include <memory>
#include <string>
#include <vector>

struct sqlite3;

namespace scanhook::core {

class ReadOnlyDatabase {
 public:
  // Opens `path` read-only; opened() is false (error() says why) when it cannot.
  explicit ReadOnlyDatabase(const std::string& path);
  bool opened() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // Each row's first column of `sql` as text; when SQLite fails, `failed` is
  // set and the only row is SQLite's message.
  std::vector<std::string> rows(const std::string& sql, bool& failed);

 private:
  struct Close {
    void operator()(sqlite3* db) const;
  };
  std::unique_ptr<sqlite3, Close> db_;
  std::string error_;
};

}  // namespace scanhook::core
