// `scanhookd db check`: reads the configured database without changing it
// (opened read-only, never created or migrated) and says whether SQLite finds
// it sound (PRAGMA integrity_check) and whether it is scanhook's.
#pragma once

#include <ostream>
#include <string>

namespace scanhook::core {

// Exit codes: 0 sound, 65 damaged, 66 no such file, 78 another program's
// file. What it found goes to `out`, problems to `err`.
int run_database_check(const std::string& database, std::ostream& out, std::ostream& err);

}  // namespace scanhook::core
