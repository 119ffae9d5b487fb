#include "scanhook/core/store/schema.hpp"

#include <string>
#include <vector>

namespace scanhook::core {

namespace {

// Times are milliseconds since the Unix epoch.
const std::vector<std::string>& migrations() {
  static const std::vector<std::string> steps = {
      // 1: the queue. One row per folder; one delivery row per target that
      // still owes it a scan. due_at = max(last_event + minimum_age,
      // next_attempt), so the next due batch is an index range.
      R"sql(
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE folders(
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          kind INTEGER NOT NULL,
          priority INTEGER NOT NULL,
          source TEXT NOT NULL,
          first_event INTEGER NOT NULL,
          last_event INTEGER NOT NULL,
          events INTEGER NOT NULL,
          generation INTEGER NOT NULL);
        CREATE TABLE deliveries(
          folder_id INTEGER NOT NULL,
          target TEXT NOT NULL,
          generation INTEGER NOT NULL,
          priority INTEGER NOT NULL,
          due_at INTEGER NOT NULL,
          next_attempt INTEGER NOT NULL DEFAULT 0,
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT NOT NULL DEFAULT '',
          PRIMARY KEY(folder_id, target)) WITHOUT ROWID;
        CREATE INDEX deliveries_due ON deliveries(target, priority DESC, due_at);
      )sql",
      // 2: what left the queue, and how.
      R"sql(
        CREATE TABLE history(
          id INTEGER PRIMARY KEY,
          folder TEXT NOT NULL,
          target TEXT NOT NULL,
          target_path TEXT NOT NULL,
          outcome TEXT NOT NULL,
          attempts INTEGER NOT NULL,
          queued_at INTEGER NOT NULL,
          finished_at INTEGER NOT NULL,
          duration_ms INTEGER NOT NULL,
          reason TEXT NOT NULL);
        CREATE INDEX history_finished ON history(finished_at);
      )sql",
      // 3: each plugin instance's own key/value store.
      R"sql(
        CREATE TABLE plugin_store(
          instance TEXT NOT NULL,
          key TEXT NOT NULL,
          value TEXT NOT NULL,
          PRIMARY KEY(instance, key)) WITHOUT ROWID;
      )sql",
      // 4: webhook bodies that could not be used, kept for inspection and replay.
      R"sql(
        CREATE TABLE dead_letters(
          id INTEGER PRIMARY KEY,
          source TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          headers TEXT NOT NULL,
          query TEXT NOT NULL,
          body BLOB NOT NULL,
          error TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 1);
      )sql",
      // 5: folders without SQLite's index on path: the queue finds a folder by
      // path through its own in-memory index (folder_index.hpp). Row ids stay,
      // as deliveries refer to them.
      R"sql(
        CREATE TABLE folders_by_id(
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL,
          kind INTEGER NOT NULL,
          priority INTEGER NOT NULL,
          source TEXT NOT NULL,
          first_event INTEGER NOT NULL,
          last_event INTEGER NOT NULL,
          events INTEGER NOT NULL,
          generation INTEGER NOT NULL);
        INSERT INTO folders_by_id
          SELECT id, path, kind, priority, source, first_event, last_event, events, generation
          FROM folders;
        DROP TABLE folders;
        ALTER TABLE folders_by_id RENAME TO folders;
      )sql",
      // 6: a rejection can be undone. `config` is the fingerprint of the
      // target's verdict-relevant settings when the row was written (a
      // rejection under other settings may fare otherwise now); `retried_at`
      // is when the folder was put back in the queue (0: never).
      R"sql(
        ALTER TABLE history ADD COLUMN config TEXT NOT NULL DEFAULT '';
        ALTER TABLE history ADD COLUMN retried_at INTEGER NOT NULL DEFAULT 0;
      )sql",
      // 7: the source whose event a history row follows, for the History
      // page's filter ('' in rows written before).
      R"sql(
        ALTER TABLE history ADD COLUMN source TEXT NOT NULL DEFAULT '';
      )sql",
      // 8: notifications waiting for their notifier (the [notify.NAME]
      // instance), written in the transaction of what they report. Ids are
      // never reused (AUTOINCREMENT): receivers drop repeats by id, and an
      // emptied table would otherwise start again at 1.
      R"sql(
        CREATE TABLE notifications(
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          notifier TEXT NOT NULL,
          event INTEGER NOT NULL,
          subject TEXT NOT NULL,
          folder TEXT NOT NULL,
          reason TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          next_attempt INTEGER NOT NULL DEFAULT 0,
          attempts INTEGER NOT NULL DEFAULT 0,
          last_error TEXT NOT NULL DEFAULT '');
        CREATE INDEX notifications_due ON notifications(notifier, next_attempt, id);
      )sql",
      // 9: the files require_exists targets wait for (and their sha256),
      // kept over a restart; expected_files_had: when each target last had
      // the folder (files named until then are its past).
      R"sql(
        CREATE TABLE expected_files(
          folder TEXT NOT NULL,
          path TEXT NOT NULL,
          sha256 TEXT NOT NULL,
          named_at INTEGER NOT NULL,
          PRIMARY KEY(folder, path)) WITHOUT ROWID;
        CREATE INDEX expected_files_named ON expected_files(named_at);
        CREATE TABLE expected_files_had(
          folder TEXT NOT NULL,
          target TEXT NOT NULL,
          picked_at INTEGER NOT NULL,
          PRIMARY KEY(folder, target)) WITHOUT ROWID;
        CREATE INDEX expected_files_had_picked ON expected_files_had(picked_at);
      )sql",
      // 10: dead-letter ids are never reused (AUTOINCREMENT): without it a
      // letter kept after the newest was deleted or replayed took its id, and
      // a log line, notification or open page naming that id then acted on
      // another letter. Rows keep their ids; the copy seeds sqlite_sequence
      // with the largest, and RENAME carries that entry over. An id deleted
      // before this upgrade while newest cannot be known and may come once more.
      R"sql(
        CREATE TABLE dead_letters_kept(
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          source TEXT NOT NULL,
          received_at INTEGER NOT NULL,
          headers TEXT NOT NULL,
          query TEXT NOT NULL,
          body BLOB NOT NULL,
          error TEXT NOT NULL,
          attempts INTEGER NOT NULL DEFAULT 1);
        INSERT INTO dead_letters_kept
          SELECT id, source, received_at, headers, query, body, error, attempts FROM dead_letters;
        DROP TABLE dead_letters;
        ALTER TABLE dead_letters_kept RENAME TO dead_letters;
      )sql",
  };
  return steps;
}

}  // namespace

int latest_schema_version() {
  return static_cast<int>(migrations().size());
}

void migrate(SqlConnection& connection, int version) {
  const int current = static_cast<int>(connection.scalar("PRAGMA user_version"));
  if (current > latest_schema_version())
    throw SqlError("the database has schema version " + std::to_string(current) +
                   " but this scanhookd knows only up to " +
                   std::to_string(latest_schema_version()) +
                   ": it was written by a newer scanhookd; run that one or restore a backup");
  for (int next = current + 1; next <= version; ++next) {
    connection.execute("BEGIN IMMEDIATE");
    try {
      connection.execute(migrations()[static_cast<std::size_t>(next - 1)]);
      connection.execute("PRAGMA user_version = " + std::to_string(next));
      connection.execute("COMMIT");
    } catch (...) {
      connection.execute("ROLLBACK");
      throw;
    }
  }
}

}  // namespace scanhook::core
