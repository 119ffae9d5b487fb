#include "scanhook/core/store/row_reader.hpp"

#include "scanhook/core/text/utf8_text.hpp"

namespace scanhook::core {

namespace {

const char* type_name(ColumnType type) {
  switch (type) {
    case ColumnType::integer: return "an integer";
    case ColumnType::real: return "a real number";
    case ColumnType::text: return "text";
    case ColumnType::blob: return "a blob";
    case ColumnType::null: return "NULL";
  }
  return "an unknown type";
}

[[noreturn]] void refuse(const char* name, const char* expected, ColumnType found) {
  throw UnreadableRow(name, std::string("holds ") + type_name(found) + ", not " + expected);
}

}  // namespace

std::int64_t RowReader::integer(int column, const char* name) const {
  const ColumnType type = row_.type(column);
  if (type != ColumnType::integer) refuse(name, "an integer", type);
  return row_.integer(column);
}

std::int64_t RowReader::integer_in(int column, const char* name, std::int64_t low,
                                   std::int64_t high) const {
  const std::int64_t value = integer(column, name);
  if (value < low || value > high)
    throw UnreadableRow(name, "holds " + std::to_string(value) + ", not " + std::to_string(low) +
                                  " to " + std::to_string(high));
  return value;
}

std::string RowReader::text(int column, const char* name) const {
  const ColumnType type = row_.type(column);
  if (type != ColumnType::text) refuse(name, "text", type);
  std::string value = row_.text(column);
  if (!is_utf8(value)) throw UnreadableRow(name, "holds bytes that are not UTF-8");
  return value;
}

std::string RowReader::bytes(int column, const char* name) const {
  const ColumnType type = row_.type(column);
  if (type != ColumnType::text && type != ColumnType::blob) refuse(name, "text or a blob", type);
  return row_.text(column);
}

}  // namespace scanhook::core
