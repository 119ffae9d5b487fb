// The durable queue in SQLite (the embedded default store): one row per
// folder, one delivery row per target that still owes the folder a scan, and
// the history of what left. Functions taking a SqlConnection run inside the
// caller's transaction (Database::write), so a batch of events or results
// shares one commit; the QueueStore functions open their own.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/folder_index.hpp"
#include "scanhook/core/store/database.hpp"
#include "scanhook/core/store/file_lock.hpp"
#include "scanhook/core/store/queue_store.hpp"
#include "scanhook/core/store/queue_types.hpp"
#include "scanhook/core/store/unreadable_rows.hpp"
#include "scanhook/result.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook::core {

class SqliteNotificationOutbox;

class Queue final : public QueueStore {
 public:
  // Applies `minimum_age` to every queued delivery if it changed since the
  // last start, and indexes the queued folders by path. One Queue per
  // database file at a time, in any process (the index is this process's):
  // it locks `<database>-queue.lock`, and throws FileLockError if another
  // Queue holds it.
  Queue(Database& database, std::chrono::milliseconds minimum_age);
  ~Queue() override;
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  Database& database() { return database_; }
  std::chrono::milliseconds minimum_age() const override { return minimum_age_; }

  // Adds the event or merges it into its folder's row: highest priority wins,
  // the debounce clock restarts, the generation moves on.
  Enqueued enqueue(SqlConnection& sql, const QueuedEvent& event, Millis now);
  // One write_unsynced transaction of enqueue() and record_dropped(): the
  // ingest's group commit; sync() (the WAL's fsync) makes it durable.
  std::vector<Enqueued> add_events(const std::vector<QueuedEvent>& events,
                                   const std::vector<DroppedEvent>& dropped, Millis now) override;
  void sync() override { database_.sync(); }

  // No leases: one Queue per file, and one dispatcher thread per target.
  std::vector<DueFolder> due(const std::string& target, Millis now, std::size_t limit,
                             const std::vector<std::string>& blocking) override;
  std::chrono::milliseconds lease() const override { return std::chrono::milliseconds(0); }
  void keep_in_flight(const std::string&, const std::vector<DueFolder>&, Millis) override {}

  // A history row with the event's outcome: it never entered the queue.
  void record_dropped(SqlConnection& sql, const DroppedEvent& dropped, Millis now);

  // ok/rejected: the delivery leaves (unless a newer event came meanwhile) with
  // a history row; retry: attempts+1 and the next attempt; unavailable: the
  // error is kept. The folder row goes when no target owes it anything.
  void record(SqlConnection& sql, const Delivery& delivery);
  // Each delivery through record(sql, ...) in one write_unsynced transaction;
  // sync() makes it durable.
  // With an outbox, each delivery's delivered or rejected notification is
  // written in the transaction of its result.
  void record(const std::vector<Delivery>& deliveries) override;
  void notify_into(const SqliteNotificationOutbox* outbox) { outbox_ = outbox; }

  // Removes deliveries owed to targets not in `configured`, each with a
  // history row; returns how many, by target.
  std::map<std::string, std::size_t> drop_targets_except(const std::set<std::string>& configured,
                                                         Millis now) override;
  // Puts the folder of a `rejected` history row back in the queue for that
  // row's target (due after minimum_age, like a new event; `source` names who
  // asked) and marks the row retried.
  Retried retry(std::int64_t history_id, const std::string& source, Millis now) override;
  // The history row's target ("" for a row no target took), or nullopt when
  // there is no such row.
  std::optional<std::string> history_target(std::int64_t history_id) override;

  std::size_t prune_history(Millis before) override;

  std::int64_t folder_count() override;
  std::int64_t delivery_count(const std::string& target) override;
  // The earliest due_at among deliveries due at `now`, or 0.
  Millis oldest_due(Millis now) override;
  // A page of queued folders, by id; a folder or delivery row that cannot be
  // read (row_reader.hpp) is left out and noted in unreadable().
  std::vector<QueuedFolder> list(std::size_t limit, std::size_t offset) override;
  // A page of history, newest first; unreadable rows as in list().
  std::vector<HistoryEntry> history(std::size_t limit, std::size_t offset,
                                    const HistoryFilter& filter = {}) override;
  std::int64_t history_count(const HistoryFilter& filter) override;
  const UnreadableRows& unreadable() const override { return unreadable_; }

  // One instance: nothing to share, nobody else to hear from.
  void share_pause(const std::string&, std::optional<SharedPause>) override {}
  std::optional<SharedPause> shared_pause(const std::string&, Millis) override {
    return std::nullopt;
  }
  void on_remote_events(std::function<void()>) override {}
  bool hold_lock(const std::string&) override { return true; }
  bool healthy() noexcept override { return database_.healthy(); }
  std::optional<std::string> last_write_failure() const override {
    return database_.last_write_failure();
  }

 private:
  const SqliteNotificationOutbox* outbox_ = nullptr;
  struct FolderRow {
    std::int64_t id;
    std::int64_t priority;
    std::int64_t generation;
  };
  // The event merged into its folder's queued row, if the folder is queued.
  std::optional<FolderRow> merge_into_queued(SqlConnection& sql, const QueuedEvent& event,
                                             Millis now, std::uint64_t hash);
  FolderRow add_folder(SqlConnection& sql, const QueuedEvent& event, Millis now,
                       std::uint64_t hash);
  // The highest priority level below `below` at which `target` is owed
  // anything (an index seek), or nullopt.
  static std::optional<std::int64_t> next_priority(SqlConnection& sql, const std::string& target,
                                                   std::int64_t below);

  FileLock lock_;
  Database& database_;
  std::chrono::milliseconds minimum_age_;
  FolderIndex index_;  // path -> folders.id, for merging events (see folder_index.hpp)
  UnreadableRows unreadable_;
};

}  // namespace scanhook::core
