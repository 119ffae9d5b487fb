// One prepared SQLite statement, prepared once and reused: the queue's hot
// statements run thousands of times a second.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace scanhook::core {

class SqlError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class SqlStatement {
 public:
  SqlStatement(sqlite3* db, const std::string& sql);
  ~SqlStatement();
  SqlStatement(const SqlStatement&) = delete;
  SqlStatement& operator=(const SqlStatement&) = delete;

  // Parameters count from 1, as in SQL (?1, ?2...).
  SqlStatement& bind(int index, std::int64_t value);
  SqlStatement& bind(int index, const std::string& value);
  SqlStatement& bind_blob(int index, const std::string& bytes);

  // True while a row is ready; throws SqlError on an error.
  bool step();
  // Steps to the end (for statements that return nothing).
  void run();

  std::int64_t integer(int column) const;  // columns count from 0
  std::string text(int column) const;
  bool is_null(int column) const;

  // Back to the start, bindings cleared.
  void reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace scanhook::core
