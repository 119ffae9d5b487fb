#include "scanhook/core/store/sql_statement.hpp"

#include <sqlite3.h>

namespace scanhook::core {

namespace {

[[noreturn]] void fail(sqlite3* db, const std::string& what) {
  throw SqlError(what + ": " + sqlite3_errmsg(db), sqlite3_extended_errcode(db));
}

}  // namespace

SqlStatement::SqlStatement(sqlite3* db, const std::string& sql) : db_(db) {
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement_, nullptr) !=
      SQLITE_OK)
    fail(db_, "cannot prepare \"" + sql + "\"");
}

SqlStatement::~SqlStatement() {
  sqlite3_finalize(statement_);
}

SqlStatement& SqlStatement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) fail(db_, "cannot bind");
  return *this;
}

SqlStatement& SqlStatement::bind(int index, const std::string& value) {
  if (sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "cannot bind");
  return *this;
}

SqlStatement& SqlStatement::bind_blob(int index, const std::string& bytes) {
  if (sqlite3_bind_blob(statement_, index, bytes.data(), static_cast<int>(bytes.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK)
    fail(db_, "cannot bind");
  return *this;
}

bool SqlStatement::step() {
  const int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  const std::string message = sqlite3_errmsg(db_);
  const int code = sqlite3_extended_errcode(db_);
  sqlite3_reset(statement_);
  throw SqlError("cannot run \"" + std::string(sqlite3_sql(statement_)) + "\": " + message, code);
}

void SqlStatement::run() {
  while (step()) {
  }
}

std::int64_t SqlStatement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

std::string SqlStatement::text(int column) const {
  const auto* data = static_cast<const char*>(sqlite3_column_blob(statement_, column));
  const int size = sqlite3_column_bytes(statement_, column);
  return data == nullptr ? std::string{} : std::string(data, static_cast<std::size_t>(size));
}

bool SqlStatement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

ColumnType SqlStatement::type(int column) const {
  switch (sqlite3_column_type(statement_, column)) {
    case SQLITE_INTEGER: return ColumnType::integer;
    case SQLITE_FLOAT: return ColumnType::real;
    case SQLITE_TEXT: return ColumnType::text;
    case SQLITE_BLOB: return ColumnType::blob;
    default: return ColumnType::null;
  }
}

void SqlStatement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

}  // namespace scanhook::core
