#include "scanhook/core/store/postgres_schema.hpp"

#include <string>
#include <vector>

namespace scanhook::core {

namespace {

// pg_advisory_xact_lock's key for migrations: "SCHK" as in SQLite's application_id.
constexpr const char* kMigrationLock = "1396918347";

const std::vector<const char*>& migrations() {
  static const std::vector<const char*> steps = {
      // 1: the queue (one row per folder: path is unique, so events of every
      // instance merge with INSERT ... ON CONFLICT), deliveries with their
      // lease, the history naming the instance that delivered each scan.
      R"sql(
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE folders(
          id BIGSERIAL PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          kind INTEGER NOT NULL,
          priority INTEGER NOT NULL,
          source TEXT NOT NULL,
          first_event BIGINT NOT NULL,
          last_event BIGINT NOT NULL,
          events INTEGER NOT NULL,
          generation BIGINT NOT NULL);
        CREATE TABLE deliveries(
          folder_id BIGINT NOT NULL REFERENCES folders(id),
          target TEXT NOT NULL,
          generation BIGINT NOT NULL,
          priority INTEGER NOT NULL,
          due_at BIGINT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 0,
          next_attempt BIGINT NOT NULL DEFAULT 0,
          last_error TEXT NOT NULL DEFAULT '',
          leased_by TEXT NOT NULL DEFAULT '',
          lease_until BIGINT NOT NULL DEFAULT 0,
          PRIMARY KEY(folder_id, target));
        CREATE INDEX deliveries_due ON deliveries(target, priority DESC, due_at);
        CREATE TABLE history(
          id BIGSERIAL PRIMARY KEY,
          folder TEXT NOT NULL,
          target TEXT NOT NULL,
          target_path TEXT NOT NULL,
          outcome TEXT NOT NULL,
          attempts INTEGER NOT NULL,
          queued_at BIGINT NOT NULL,
          finished_at BIGINT NOT NULL,
          duration_ms BIGINT NOT NULL,
          reason TEXT NOT NULL,
          config TEXT NOT NULL DEFAULT '',
          retried_at BIGINT NOT NULL DEFAULT 0,
          instance TEXT NOT NULL DEFAULT '');
        CREATE INDEX history_finished ON history(finished_at);
        CREATE TABLE dead_letters(
          id BIGSERIAL PRIMARY KEY,
          source TEXT NOT NULL,
          received_at BIGINT NOT NULL,
          headers TEXT NOT NULL,
          query TEXT NOT NULL,
          body BYTEA NOT NULL,
          error TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 1);
        CREATE TABLE plugin_store(
          instance TEXT NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY(instance, key));
        CREATE TABLE target_pauses(
          target TEXT PRIMARY KEY,
          until BIGINT NOT NULL,
          error TEXT NOT NULL,
          instance TEXT NOT NULL);
      )sql",
      // 2: whose event each history row follows (SQLite's schema 7), for the
      // history's source filter.
      R"sql(
        ALTER TABLE history ADD COLUMN source TEXT NOT NULL DEFAULT '';
        CREATE INDEX history_source ON history(source);
      )sql",
      // 3: notifications waiting for their notifier (SQLite's schema 8),
      // written in the transaction of what they report; ids never reused
      // (BIGSERIAL), so receivers can drop repeats by id.
      R"sql(
        CREATE TABLE notifications(
          id BIGSERIAL PRIMARY KEY,
          notifier TEXT NOT NULL,
          event INTEGER NOT NULL,
          subject TEXT NOT NULL,
          folder TEXT NOT NULL,
          reason TEXT NOT NULL,
          created_at BIGINT NOT NULL,
          next_attempt BIGINT NOT NULL DEFAULT 0,
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT NOT NULL DEFAULT '');
        CREATE INDEX notifications_due ON notifications(notifier, next_attempt, id);
      )sql",
      // 4: when the instance holding a delivery's lease began sending it
      // (0: not sent since it was picked), so that whoever takes over an
      // expired lease knows whether the target may have it already.
      R"sql(
        ALTER TABLE deliveries ADD COLUMN sending_since BIGINT NOT NULL DEFAULT 0;
      )sql",
      // 5: the files require_exists targets wait for (SQLite's schema 9),
      // shared by every instance: any of them may deliver the folder.
      R"sql(
        CREATE TABLE expected_files(
          folder TEXT NOT NULL,
          path TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          named_at BIGINT NOT NULL,
          PRIMARY KEY(folder, path));
        CREATE INDEX expected_files_named ON expected_files(named_at);
        CREATE TABLE expected_files_had(
          folder TEXT NOT NULL,
          target TEXT NOT NULL,
          picked_at BIGINT NOT NULL,
          PRIMARY KEY(folder, target));
        CREATE INDEX expected_files_had_picked ON expected_files_had(picked_at);
      )sql",
  };
  return steps;
}

}  // namespace

int latest_postgres_schema_version() {
  return static_cast<int>(migrations().size());
}

int postgres_schema_version(PostgresConnection& sql) {
  const auto exists = sql.run("SELECT to_regclass('scanhook_schema') IS NOT NULL");
  if (exists.text(0, 0) != "t") return 0;
  const auto version = sql.run("SELECT version FROM scanhook_schema");
  return version.size() ? static_cast<int>(version.integer(0, 0)) : 0;
}

void migrate_postgres(PostgresConnection& sql, int version) {
  for (;;) {
    sql.execute("BEGIN");
    try {
      sql.execute(std::string("SELECT pg_advisory_xact_lock(") + kMigrationLock + ")");
      sql.execute("CREATE TABLE IF NOT EXISTS scanhook_schema(version INTEGER NOT NULL)");
      const int current = postgres_schema_version(sql);
      if (current > latest_postgres_schema_version())
        throw PostgresError("the database has scanhook schema version " + std::to_string(current) +
                                " but this scanhookd knows only up to " +
                                std::to_string(latest_postgres_schema_version()) +
                                ": it was written by a newer scanhookd; run that one",
                            "");
      if (current >= version) {
        sql.execute("COMMIT");
        return;
      }
      sql.execute(migrations()[static_cast<std::size_t>(current)]);
      sql.execute("DELETE FROM scanhook_schema");
      sql.run("INSERT INTO scanhook_schema(version) VALUES($1)", {current + 1});
      sql.execute("COMMIT");
    } catch (...) {
      sql.recover();
      throw;
    }
  }
}

}  // namespace scanhook::core
