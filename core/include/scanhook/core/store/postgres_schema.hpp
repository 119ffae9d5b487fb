// The PostgreSQL schema and its migrations: the queue, history, dead letters,
// plugin store, notifications and shared target pauses, as in SQLite
// (schema.hpp), plus the columns several instances need (a delivery's lease,
// who delivered a scan).
#pragma once

#include "scanhook/core/store/postgres_connection.hpp"

namespace scanhook::core {

int latest_postgres_schema_version();

// Brings the database up to `version` (default: the latest), each step in
// its own transaction under an advisory lock, so instances starting together
// migrate once. Throws PostgresError, also when the database's version is
// newer than this scanhookd knows.
void migrate_postgres(PostgresConnection& sql, int version = latest_postgres_schema_version());

// The database's schema version (0: none yet).
int postgres_schema_version(PostgresConnection& sql);

}  // namespace scanhook::core
