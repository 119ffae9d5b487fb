#include "scanhook/core/app/database_check_command.hpp"

#include <filesystem>
#include <string>
#include <vector>

#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/read_only_database.hpp"
#include "scanhook/core/store/store.hpp"
#include "scanhook/core/text/counted.hpp"

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
  auto db = ReadOnlyDatabase::open(database);
  if (!db) {
    err << "scanhookd db check: cannot open " << database << ": " << db.error().message << "\n";
    return 65;
  }
  const auto problems = db.value().rows("PRAGMA integrity_check(20)");
  if (!problems || problems->size() != 1 || problems->front() != "ok") {
    err << "scanhookd db check: " << database << " is damaged:\n";
    if (!problems) err << "  " << problems.error().message << "\n";
    for (const auto& problem : problems ? *problems : std::vector<std::string>{})
      err << "  " << problem << "\n";
    err << "See \"Recovering a damaged database\" in the README.\n";
    return 65;
  }
  const auto id = db.value().rows("PRAGMA application_id");
  const auto version = db.value().rows("PRAGMA user_version");
  if (!id || !version || id->empty() || version->empty() ||
      (std::stoll(id->front()) != Database::kApplicationId && std::stoll(id->front()) != 0)) {
    err << "scanhookd db check: " << database << " is not scanhook's (application_id "
        << (!id           ? id.error().message
            : id->empty() ? "?"
                          : id->front())
        << ")\n";
    return 78;
  }
  const auto folders = db.value().rows("SELECT COUNT(*) FROM folders");
  if (!folders || folders->empty()) {
    err << "scanhookd db check: " << database
        << " is not scanhook's: " << (folders ? "" : folders.error().message) << "\n";
    return 78;
  }
  out << database << ": ok (schema version " << version->front() << ", "
      << counted(std::stoull(folders->front()), "folder") << " waiting)\n";
  return 0;
}

}  // namespace scanhook::core
