#include "scanhook/core/app/database_check_command.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/read_only_database.hpp"
#include "scanhook/core/store/store.hpp"

namespace scanhook::core {

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
  ReadOnlyDatabase db(database);
  if (!db.opened()) {
    err << "scanhookd db check: cannot open " << database << ": " << db.error() << "\n";
    return 65;
  }
  bool failed = false;
  const auto problems = db.rows("PRAGMA integrity_check(20)", failed);
  if (failed || problems.size() != 1 || problems[0] != "ok") {
    err << "scanhookd db check: " << database << " is damaged:\n";
    for (const auto& problem : problems) err << "  " << problem << "\n";
    err << "See \"Recovering a damaged database\" in the README.\n";
    return 65;
  }
  const auto id = db.rows("PRAGMA application_id", failed);
  const auto version = db.rows("PRAGMA user_version", failed);
  if (failed || id.empty() ||
      (std::stoll(id[0]) != Database::kApplicationId && std::stoll(id[0]) != 0)) {
    err << "scanhookd db check: " << database << " is not scanhook's (application_id "
        << (id.empty() ? "?" : id[0]) << ")\n";
    return 78;
  }
  const auto folders = db.rows("SELECT COUNT(*) FROM folders", failed);
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
