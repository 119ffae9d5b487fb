// The durable queue: one row per folder, one delivery row per target that
// still owes the folder a scan, and the history of what left. Functions taking
// a SqlConnection run inside the caller's transaction (Database::write), so a
// batch of events or results shares one commit.
#pragma once

#include <chrono>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scanhook/core/database.hpp"
#include "scanhook/core/file_lock.hpp"
#include "scanhook/core/folder_index.hpp"
#include "scanhook/core/unreadable_rows.hpp"
#include "scanhook/result.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook::core {

using Millis = std::int64_t;  // milliseconds since the Unix epoch
Millis now_millis();

// One event, checked and rewritten for the queue: a folder and who scans it.
struct QueuedEvent {
  std::string folder;
  EventKind kind = EventKind::modified;
  int priority = 0;
  std::string source;
  std::vector<std::string> targets;
};

// An event that never entered the queue, for the history: why, and where.
// "filtered": no target takes it (one row per refusing target, or target ""
// when the source's own filter dropped it); "ignored": its source named it
// but will not queue it (Host::record_dropped).
struct DroppedEvent {
  std::string folder;
  std::string target;
  std::string target_path;
  std::string reason;
  std::string outcome = "filtered";
  std::string source;  // whose event it was
};

enum class Enqueued { added, merged };

// A folder one target owes a scan, as picked for a batch.
struct DueFolder {
  std::int64_t folder_id = 0;
  std::string path;
  EventKind kind = EventKind::modified;
  int priority = 0;
  std::int64_t generation = 0;  // the delivery's generation when picked
  int attempts = 0;
  Millis first_event = 0;
};

struct PendingDelivery {
  std::string target;
  int attempts = 0;
  Millis due_at = 0;
  Millis next_attempt = 0;
  std::string last_error;
};

struct QueuedFolder {
  std::string path;
  EventKind kind = EventKind::modified;
  int priority = 0;
  std::string source;
  Millis first_event = 0;
  Millis last_event = 0;
  int events = 0;
  std::vector<PendingDelivery> deliveries;
};

struct HistoryEntry {
  std::int64_t id = 0;
  std::string folder;
  std::string target;
  std::string target_path;
  std::string outcome;  // ok, rejected, dropped, filtered, ignored
  int attempts = 0;
  Millis queued_at = 0;
  Millis finished_at = 0;
  std::int64_t duration_ms = 0;
  std::string reason;
  std::string config;     // the target's verdict_fingerprint when written ("" before schema 6)
  Millis retried_at = 0;  // when a retry put the folder back in the queue; 0: never
  std::string source;     // whose event it follows ("" before schema 7)
};

// Which history rows Queue::history returns; an empty field matches all.
struct HistoryFilter {
  std::string target;
  std::string source;
  std::string outcome;
  std::string path;          // a substring of the folder or the path sent, any case (ASCII)
  Millis finished_from = 0;  // inclusive
  Millis finished_before = std::numeric_limits<Millis>::max();  // exclusive
};

// What Queue::retry did with a history row.
enum class Retried { requeued, not_found, not_rejected };

// What a target's scan of one folder came to, for Queue::record.
struct Delivery {
  std::string target;
  DueFolder folder;
  std::string target_path;
  Result result;
  Millis started = 0;
  Millis finished = 0;
  Millis retry_at = 0;  // for Status::retry
  std::string config;   // the target's verdict_fingerprint, kept with the history row
};

class Queue {
 public:
  // Applies `minimum_age` to every queued delivery if it changed since the
  // last start, and indexes the queued folders by path. One Queue per
  // database file at a time, in any process (the index is this process's):
  // it locks `<database>-queue.lock`, and throws FileLockError if another
  // Queue holds it.
  Queue(Database& database, std::chrono::milliseconds minimum_age);
  ~Queue();
  Queue(const Queue&) = delete;
  Queue& operator=(const Queue&) = delete;

  Database& database() { return database_; }
  std::chrono::milliseconds minimum_age() const { return minimum_age_; }

  // Adds the event or merges it into its folder's row: highest priority wins,
  // the debounce clock restarts, the generation moves on.
  Enqueued enqueue(SqlConnection& sql, const QueuedEvent& event, Millis now);

  // Up to `limit` folders due for `target`, highest priority first, then
  // longest due; a folder that a `blocking` target still owes is skipped.
  std::vector<DueFolder> due(const std::string& target, Millis now, std::size_t limit,
                             const std::vector<std::string>& blocking);

  // A history row with the event's outcome: it never entered the queue.
  void record_dropped(SqlConnection& sql, const DroppedEvent& dropped, Millis now);

  // ok/rejected: the delivery leaves (unless a newer event came meanwhile) with
  // a history row; retry: attempts+1 and the next attempt; unavailable: the
  // error is kept. The folder row goes when no target owes it anything.
  void record(SqlConnection& sql, const Delivery& delivery);

  // Removes deliveries owed to targets not in `configured`, each with a
  // history row; returns how many.
  std::size_t drop_targets_except(const std::set<std::string>& configured, Millis now);
  // Puts the folder of a `rejected` history row back in the queue for that
  // row's target (due after minimum_age, like a new event; `source` names who
  // asked) and marks the row retried.
  Retried retry(std::int64_t history_id, const std::string& source, Millis now);
  // The history row's target, or "" when there is no such row.
  std::string history_target(std::int64_t history_id);

  std::size_t prune_history(Millis before);

  std::int64_t folder_count();
  std::int64_t delivery_count(const std::string& target);
  // The earliest due_at among deliveries due at `now`, or 0.
  Millis oldest_due(Millis now);
  // A page of queued folders, by id; a folder or delivery row that cannot be
  // read (row_reader.hpp) is left out and noted in unreadable().
  std::vector<QueuedFolder> list(std::size_t limit, std::size_t offset);
  // A page of history, newest first; unreadable rows as in list().
  std::vector<HistoryEntry> history(std::size_t limit, std::size_t offset,
                                    const HistoryFilter& filter = {});
  // How many rows `filter` matches.
  std::int64_t history_count(const HistoryFilter& filter);
  // Rows of "folders", "deliveries" and "history" that list() and history() left out.
  const UnreadableRows& unreadable() const { return unreadable_; }

 private:
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
