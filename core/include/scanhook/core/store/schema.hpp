// The database schema as an ordered list of migrations; PRAGMA user_version
// records how many have run. A migration is only ever appended, never edited.
#pragma once

#include "scanhook/core/store/sql_connection.hpp"

namespace scanhook::core {

// The version a fully migrated database has.
int latest_schema_version();

// Runs the migrations after the connection's user_version, up to `version`,
// each in its own transaction. Throws SqlError when the database is newer than
// this build knows.
void migrate(SqlConnection& connection, int version);

}  // namespace scanhook::core
