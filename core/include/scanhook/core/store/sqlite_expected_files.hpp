// The expected files (expected_file_store.hpp) in SQLite's expected_files
// and expected_files_had tables (schema 9).
#pragma once

#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/expected_file_store.hpp"

namespace scanhook::core {

class SqliteExpectedFiles final : public ExpectedFileStore {
 public:
  explicit SqliteExpectedFiles(Database& database) : database_(database) {}

  void add(const std::vector<FolderFile>& files, Millis now, Millis forget_before) override;
  std::vector<ExpectedFile> of(const std::string& folder, const std::string& target,
                               Millis named_since) override;
  void delivered(const std::string& folder, const std::string& target, Millis picked_at) override;

 private:
  Database& database_;
};

}  // namespace scanhook::core
