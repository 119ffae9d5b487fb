// An open SQLite connection (a Poco::Data::SQLite session) with a cache of
// prepared statements. Not thread-safe: Database serialises every use.
#pragma once

#include <Poco/Data/Session.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "scanhook/core/store/sql_statement.hpp"

struct sqlite3;

namespace scanhook::core {

class SqlConnection {
 public:
  explicit SqlConnection(const std::string& file);

  // The statement for `sql`, reset with its bindings cleared; prepared on first
  // use. Looked up without copying `sql` (the queue's hot path calls it per event).
  SqlStatement& prepare(std::string_view sql);
  // Runs one or more statements that return nothing.
  void execute(const std::string& sql);
  // The first column of the first row of `sql` as an integer (0 when no row).
  std::int64_t scalar(const std::string& sql);

  // Resets every statement left part-way (ending its read snapshot).
  void reset_all() noexcept;

  int changes() const;
  sqlite3* handle() const { return handle_; }
  std::int64_t last_insert_id() const;

 private:
  Poco::Data::Session session_;
  sqlite3* handle_;
  std::map<std::string, std::unique_ptr<SqlStatement>, std::less<>> statements_;
};

}  // namespace scanhook::core
