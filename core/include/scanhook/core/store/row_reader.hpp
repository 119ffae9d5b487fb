// Reads the columns of one listed row with their types checked. SQLite keeps
// whatever a damaged page, a hand edit or another program put in a column
// (text where a number belongs, bytes that are not UTF-8, a NULL), and would
// hand it back silently converted; a listing instead skips such a row
// (unreadable_rows.hpp) rather than show garbage or fail as a whole.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "scanhook/core/store/sql_statement.hpp"

namespace scanhook::core {

// A row whose column `column` does not hold what scanhook's schema (schema.cpp) says.
class UnreadableRow : public std::runtime_error {
 public:
  UnreadableRow(const std::string& column, const std::string& why)
      : std::runtime_error(column + " " + why) {}
};

class RowReader {
 public:
  explicit RowReader(const SqlStatement& row) : row_(row) {}

  // Columns count from 0; `name` is the column's name, for the log.
  // An INTEGER, or UnreadableRow.
  std::int64_t integer(int column, const char* name) const;
  // An INTEGER from `low` to `high`, or UnreadableRow (e.g. an enum's value).
  std::int64_t integer_in(int column, const char* name, std::int64_t low, std::int64_t high) const;
  // TEXT that is valid UTF-8, or UnreadableRow.
  std::string text(int column, const char* name) const;
  // TEXT or BLOB, any bytes (a kept webhook body), or UnreadableRow.
  std::string bytes(int column, const char* name) const;

 private:
  const SqlStatement& row_;
};

}  // namespace scanhook::core
