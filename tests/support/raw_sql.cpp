#include "support/raw_sql.hpp"

#include <sqlite3.h>
#include <catch2/catch.hpp>

namespace scanhook::testing {

int run_sql(const std::filesystem::path& file, const std::string& sql) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open(file.c_str(), &db) == SQLITE_OK);
  char* error = nullptr;
  const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  const std::string message = error ? error : "";
  sqlite3_free(error);
  const int changed = sqlite3_changes(db);
  sqlite3_close(db);
  REQUIRE(message.empty());
  REQUIRE(rc == SQLITE_OK);
  return changed;
}

}  // namespace scanhook::testing
