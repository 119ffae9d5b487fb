#include "scanhook/core/store/read_only_database.hpp"

#include <sqlite3.h>

namespace scanhook::core {

void ReadOnlyDatabase::Close::operator()(sqlite3* db) const {
  sqlite3_close(db);
}

Expected<ReadOnlyDatabase> ReadOnlyDatabase::open(const std::string& path) {
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, Close> db(raw);  // closed also when the open failed
  if (opened != SQLITE_OK) return failure(sqlite3_errstr(opened));
  return ReadOnlyDatabase(std::move(db));
}

Expected<std::vector<std::string>> ReadOnlyDatabase::rows(const std::string& sql) {
  std::vector<std::string> out;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_.get(), sql.c_str(), -1, &statement, nullptr) != SQLITE_OK)
    return failure(sqlite3_errmsg(db_.get()));
  int rc;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(statement, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  Expected<std::vector<std::string>> result =
      rc == SQLITE_DONE ? Expected<std::vector<std::string>>(std::move(out))
                        : failure(sqlite3_errmsg(db_.get()));
  sqlite3_finalize(statement);
  return result;
}

}  // namespace scanhook::core
