// The durable queue (queue_store.hpp) in PostgreSQL, shared by several
// scanhookd: any instance commits events, and its answer waits for the
// commit (durable then: synchronous_commit); a folder is one row whoever
// queued it (INSERT ... ON CONFLICT merges it); an instance picks due
// deliveries with SELECT ... FOR UPDATE SKIP LOCKED and leases them until it
// records their outcome or the lease expires (an instance that died loses
// them then, and another delivers them); an `unavailable` outcome keeps the
// lease, and the instance picks its own leased deliveries again. A commit NOTIFYs the others'
// dispatchers; a target's pause is shared through target_pauses.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include "scanhook/core/store/postgres_pool.hpp"
#include "scanhook/core/store/queue_store.hpp"
#include "scanhook/core/store/write_failure.hpp"

namespace scanhook::core {

class PostgresNotificationOutbox;

class PostgresQueue final : public QueueStore {
 public:
  // `instance` names this scanhookd in leases and the history; `lease` is how
  // long a picked delivery stays its own. Applies `minimum_age` to every
  // queued delivery if it changed since the last start (as Queue).
  PostgresQueue(PostgresPool& pool, std::string instance, std::chrono::milliseconds minimum_age,
                std::chrono::milliseconds lease);
  ~PostgresQueue() override;

  std::chrono::milliseconds minimum_age() const override { return minimum_age_; }
  std::vector<Enqueued> add_events(const std::vector<QueuedEvent>& events,
                                   const std::vector<DroppedEvent>& dropped, Millis now) override;
  // Nothing to do: add_events returns once its commit is durable.
  void sync() override {}
  // A delivery whose lease ran out while it was marked in flight comes back
  // with maybe_sent_by naming the instance that held it.
  std::vector<DueFolder> due(const std::string& target, Millis now, std::size_t limit,
                             const std::vector<std::string>& blocking) override;
  std::chrono::milliseconds lease() const override { return lease_; }
  // One UPDATE of deliveries.sending_since and lease_until, only of the rows
  // still leased to this instance.
  void keep_in_flight(const std::string& target, const std::vector<DueFolder>& folders,
                      Millis now) override;
  // With an outbox, each delivery's delivered or rejected notification is
  // written in the transaction of its result.
  void record(const std::vector<Delivery>& deliveries) override;
  void notify_into(const PostgresNotificationOutbox* outbox) { outbox_ = outbox; }
  std::map<std::string, std::size_t> drop_targets_except(const std::set<std::string>& configured,
                                                         Millis now) override;
  Retried retry(std::int64_t history_id, const std::string& source, Millis now) override;
  std::optional<std::string> history_target(std::int64_t history_id) override;
  std::size_t prune_history(Millis before) override;
  std::int64_t folder_count() override;
  std::int64_t delivery_count(const std::string& target) override;
  Millis oldest_due(Millis now) override;
  std::vector<QueuedFolder> list(std::size_t limit, std::size_t offset) override;
  std::vector<HistoryEntry> history(std::size_t limit, std::size_t offset,
                                    const HistoryFilter& filter = {}) override;
  std::int64_t history_count(const HistoryFilter& filter) override;
  // Always empty: PostgreSQL's typed columns hold no value a reader cannot
  // take (SQLite's may, row_reader.hpp).
  const UnreadableRows& unreadable() const override { return unreadable_; }
  void share_pause(const std::string& target, std::optional<SharedPause> pause) override;
  std::optional<SharedPause> shared_pause(const std::string& target, Millis now) override;
  // Starts listening (a connection of its own, outside the pool).
  void on_remote_events(std::function<void()> wake) override;
  // A session advisory lock (pg_try_advisory_lock) on a connection of its
  // own: released by the server when this process dies.
  bool hold_lock(const std::string& name) override;
  bool healthy() noexcept override;
  std::optional<std::string> last_write_failure() const override;

 private:
  Enqueued enqueue(PostgresConnection& sql, const QueuedEvent& event, Millis now);
  // A write through the pool; its failure is kept for healthy() until one succeeds.
  template <class Fn>
  auto write(Fn&& fn) {
    try {
      auto result = pool_.transaction(std::forward<Fn>(fn));
      write_failure_.clear();
      return result;
    } catch (const std::exception& error) {
      write_failure_.record(error.what());
      throw;
    }
  }
  void listen();

  PostgresPool& pool_;
  const PostgresNotificationOutbox* outbox_ = nullptr;
  std::string instance_;
  std::chrono::milliseconds minimum_age_;
  std::chrono::milliseconds lease_;
  WriteFailure write_failure_{"the PostgreSQL queue",
                              "check the server's disk and the connection to it"};
  std::mutex wake_mutex_;  // held while wake_ runs
  std::function<void()> wake_;
  std::mutex locks_mutex_;
  std::unique_ptr<PostgresConnection> locks_;  // holds the advisory locks
  std::set<std::string> held_;
  std::atomic<bool> stopping_{false};
  std::thread listener_;
  UnreadableRows unreadable_;
};

}  // namespace scanhook::core
