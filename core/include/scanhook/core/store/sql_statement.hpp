// One prepared SQLite statement, prepared once and reused: the queue's hot
// statements run thousands of times a second.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace scanhook::core {

// A database failure as SQLite or the system said it: `code` is SQLite's
// extended result code (SQLITE_FULL, SQLITE_IOERR_WRITE, SQLITE_CORRUPT...),
// 0 when the failure came from a system call, whose errno is `os_error`
// (0 when SQLite said it). storage_fault.hpp reads the two.
class SqlError : public std::runtime_error {
 public:
  explicit SqlError(const std::string& what, int code = 0, int os_error = 0)
      : std::runtime_error(what), code_(code), os_error_(os_error) {}
  int code() const noexcept { return code_; }
  int os_error() const noexcept { return os_error_; }

 private:
  int code_;
  int os_error_;
};

// SQLite's storage classes: what a column of one row actually holds.
enum class ColumnType { integer, real, text, blob, null };

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
  ColumnType type(int column) const;

  // Back to the start, bindings cleared.
  void reset();

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace scanhook::core
