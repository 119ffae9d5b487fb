#include "scanhook/core/store/sqlite_expected_files.hpp"

namespace scanhook::core {

// Unsynced writes: the ingest's fsync of the same request's events follows
// and makes them durable before anything is acknowledged.
void SqliteExpectedFiles::add(const std::vector<FolderFile>& files, Millis now,
                              Millis forget_before) {
  database_.write_unsynced([&](SqlConnection& sql) {
    sql.prepare("DELETE FROM expected_files WHERE named_at < ?1").bind(1, forget_before).run();
    sql.prepare("DELETE FROM expected_files_had WHERE picked_at < ?1").bind(1, forget_before).run();
    for (const auto& [folder, file] : files)
      sql.prepare(
             "INSERT OR REPLACE INTO expected_files(folder, path, sha256, named_at) "
             "VALUES(?1, ?2, ?3, ?4)")
          .bind(1, folder)
          .bind(2, file.path)
          .bind(3, file.sha256)
          .bind(4, now)
          .run();
  });
}

std::vector<ExpectedFile> SqliteExpectedFiles::of(const std::string& folder,
                                                  const std::string& target, Millis named_since) {
  return database_.read([&](SqlConnection& sql) {
    auto& query = sql.prepare(
        "SELECT path, sha256 FROM expected_files WHERE folder = ?1 AND named_at >= ?3 AND "
        "named_at > coalesce((SELECT picked_at FROM expected_files_had WHERE folder = ?1 AND "
        "target = ?2), -1) ORDER BY named_at, path");
    query.bind(1, folder).bind(2, target).bind(3, named_since);
    std::vector<ExpectedFile> files;
    while (query.step()) files.push_back({query.text(0), query.text(1)});
    return files;
  });
}

void SqliteExpectedFiles::delivered(const std::string& folder, const std::string& target,
                                    Millis picked_at) {
  database_.write_unsynced([&](SqlConnection& sql) {
    sql.prepare(
           "INSERT INTO expected_files_had(folder, target, picked_at) "
           "SELECT ?1, ?2, ?3 WHERE EXISTS(SELECT 1 FROM expected_files WHERE folder = ?1) "
           "ON CONFLICT(folder, target) DO UPDATE SET picked_at = max(picked_at, "
           "excluded.picked_at)")
        .bind(1, folder)
        .bind(2, target)
        .bind(3, picked_at)
        .run();
  });
}

}  // namespace scanhook::core
