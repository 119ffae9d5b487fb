// What the ingest, the dispatcher and the routes need of the durable queue,
// whichever database holds it: SQLite (Queue, one scanhookd per file) or
// PostgreSQL (PostgresQueue, several scanhookd on one database). The queue's
// value types (QueuedEvent, DueFolder, Delivery, ...) are in queue.hpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "scanhook/core/store/queue_types.hpp"
#include "scanhook/core/store/unreadable_rows.hpp"

namespace scanhook::core {

class QueueStore {
 public:
  virtual ~QueueStore() = default;

  virtual std::chrono::milliseconds minimum_age() const = 0;

  // One transaction: every event enqueued (merged into its folder's row when
  // queued: highest priority wins, the debounce clock restarts, the
  // generation moves on) and every dropped event kept in the history. Returns
  // what became of each event, in order. Visible to readers at once, durable
  // once sync() has run after it returns. Throws on failure (nothing written).
  virtual std::vector<Enqueued> add_events(const std::vector<QueuedEvent>& events,
                                           const std::vector<DroppedEvent>& dropped,
                                           Millis now) = 0;
  // Makes every add_events committed so far durable. Throws on failure.
  virtual void sync() = 0;

  // Up to `limit` folders due for `target`, highest priority first, then
  // longest due; a folder that a `blocking` target still owes is skipped. A
  // store shared by several instances leases them to this one (until record()
  // or the lease's expiry), so that no other instance picks them meanwhile.
  virtual std::vector<DueFolder> due(const std::string& target, Millis now, std::size_t limit,
                                     const std::vector<std::string>& blocking) = 0;
  // How long a lease from due() lasts; zero for a single-instance store,
  // which leases nothing.
  virtual std::chrono::milliseconds lease() const = 0;
  // `folders` (from due()) are about to be sent to `target`, or are still
  // being sent: each is marked in flight (since `now`, if not yet) and its
  // lease runs until now + lease(), unless another instance took it over.
  // Committed before it returns, so an instance that dies mid-request leaves
  // the mark behind (DueFolder::maybe_sent_by). Throws on failure: then send
  // nothing. A single-instance store does nothing.
  virtual void keep_in_flight(const std::string& target, const std::vector<DueFolder>& folders,
                              Millis now) = 0;
  // Each delivery's outcome, in one transaction (visible at once, durable
  // once sync() has run after it returns; throws on failure, nothing written). ok/rejected: the
  // delivery leaves (unless a newer event came meanwhile) with a history row;
  // retry: attempts+1 and the next attempt; unavailable: the error is kept.
  // Every outcome clears keep_in_flight()'s mark.
  // The folder row goes when no target owes it anything.
  virtual void record(const std::vector<Delivery>& deliveries) = 0;

  // Removes deliveries owed to targets not in `configured`, each with a
  // history row; returns how many, by the target they were owed to.
  virtual std::map<std::string, std::size_t> drop_targets_except(
      const std::set<std::string>& configured, Millis now) = 0;
  // Puts the folder of a `rejected` history row back in the queue for that
  // row's target and marks the row retried.
  virtual Retried retry(std::int64_t history_id, const std::string& source, Millis now) = 0;
  // The history row's target ("" for a row no target took), or nullopt when
  // there is no such row.
  virtual std::optional<std::string> history_target(std::int64_t history_id) = 0;
  virtual std::size_t prune_history(Millis before) = 0;

  virtual std::int64_t folder_count() = 0;
  virtual std::int64_t delivery_count(const std::string& target) = 0;
  // The earliest due_at among deliveries due at `now`, or 0.
  virtual Millis oldest_due(Millis now) = 0;
  virtual std::vector<QueuedFolder> list(std::size_t limit, std::size_t offset) = 0;
  // A page of history, newest first, of the rows `filter` matches.
  virtual std::vector<HistoryEntry> history(std::size_t limit, std::size_t offset,
                                            const HistoryFilter& filter = {}) = 0;
  // How many history rows `filter` matches.
  virtual std::int64_t history_count(const HistoryFilter& filter) = 0;
  // Rows of "folders", "deliveries" and "history" that list() and history()
  // left out because they could not be read (row_reader.hpp).
  virtual const UnreadableRows& unreadable() const = 0;

  // A target found unavailable (paused until `next_probe`) or answering
  // again (nullopt): shared with every instance on the store. A
  // single-instance store keeps nothing.
  virtual void share_pause(const std::string& target, std::optional<SharedPause> pause) = 0;
  // The pause another instance shared for `target`, if it still holds.
  virtual std::optional<SharedPause> shared_pause(const std::string& target, Millis now) = 0;
  // `wake` runs when another instance committed events (PostgreSQL's
  // LISTEN/NOTIFY); never for a single-instance store. nullptr: no more
  // calls (once it returns, `wake` is not running and will not run).
  virtual void on_remote_events(std::function<void()> wake) = 0;

  // True while this instance holds the lock `name` shared by every instance
  // on the store (taken now if free; held until the process ends): one
  // instance at a time runs what it guards (a polling source). A
  // single-instance store always holds it.
  virtual bool hold_lock(const std::string& name) = 0;

  // True when a trivial query succeeds and the last write reached the disk.
  virtual bool healthy() noexcept = 0;
  // The message of the last write that failed for a storage reason; nullopt when writes work.
  virtual std::optional<std::string> last_write_failure() const = 0;
};

}  // namespace scanhook::core
