#include "scanhook/core/database_check_command.hpp"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "scanhook/core/database.hpp"
#include "scanhook/core/store.hpp"

namespace scanhook::core {

namespace {

struct CloseDatabase {
  void operator()(sqlite3* db) const { sqlite3_close(db); }
};

// Each row's first column of `sql`, or the error as the only row.
std::vector<std::string> rows(sqlite3* db, const char* sql, bool& failed) {
  std::vector<std::string> out;
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
    failed = true;
    return {sqlite3_errmsg(db)};
  }
  int rc;
  while ((rc = sqlite3_step(statement)) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(statement, 0);
    out.emplace_back(text ? reinterpret_cast<const char*>(text) : "");
  }
  if (rc != SQLITE_DONE) {
    failed = true;
    out = {sqlite3_errmsg(db)};
  }
  sqlite3_finalize(statement);
  return out;
}

}  // namespace

int run_database_check(const std::string& database, std::ostream& out, std::ostream& err) {
  if (is_postgres_url(database)) {  // never printed: the URL may hold a password
    err << "scanhookd db check: the database is PostgreSQL: check it with its own tools "
           "(pg_amcheck); this command reads SQLite files\n";
    return 64;
  }
  std::error_code error;
  if (!std::filesystem::is_regular_file(database, error)) {
    err << "scanhookd db check: " << database << ": no such file (scanhookd creates it at start)\n";
    return 66;
  }
  sqlite3* raw = nullptr;
  const int opened = sqlite3_open_v2(database.c_str(), &raw, SQLITE_OPEN_READONLY, nullptr);
  std::unique_ptr<sqlite3, CloseDatabase> db(raw);
  if (opened != SQLITE_OK) {
    err << "scanhookd db check: cannot open " << database << ": " << sqlite3_errstr(opened) << "\n";
    return 65;
  }
  bool failed = false;
  const auto problems = rows(db.get(), "PRAGMA integrity_check(20)", failed);
  if (failed || problems.size() != 1 || problems[0] != "ok") {
    err << "scanhookd db check: " << database << " is damaged:\n";
    for (const auto& problem : problems) err << "  " << problem << "\n";
    err << "See \"Recovering a damaged database\" in the README.\n";
    return 65;
  }
  const auto id = rows(db.get(), "PRAGMA application_id", failed);
  const auto version = rows(db.get(), "PRAGMA user_version", failed);
  if (failed || id.empty() ||
      (std::stoll(id[0]) != Database::kApplicationId && std::stoll(id[0]) != 0)) {
    err << "scanhookd db check: " << database << " is not scanhook's (application_id "
        << (id.empty() ? "?" : id[0]) << ")\n";
    return 78;
  }
  const auto folders = rows(db.get(), "SELECT COUNT(*) FROM folders", failed);
  if (failed) {
    err << "scanhookd db check: " << database
        << " is not scanhook's: " << (folders.empty() ? "" : folders[0]) << "\n";
    return 78;
  }
  out << database << ": ok (schema version " << version[0] << ", " << folders[0]
      << " folders waiting)\n";
  return 0;
}

}  // namespace scanhook::core
