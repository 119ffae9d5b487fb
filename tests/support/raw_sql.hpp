// SQL run on a SQLite file directly, as the sqlite3 CLI or another program
// would: for tests that damage or reshape a stopped daemon's database.
#pragma once

#include <filesystem>
#include <string>

namespace scanhook::testing {

// Runs `sql` on `file` (a failed REQUIRE when SQLite refuses it); returns
// how many rows its last statement changed.
int run_sql(const std::filesystem::path& file, const std::string& sql);

}  // namespace scanhook::testing
