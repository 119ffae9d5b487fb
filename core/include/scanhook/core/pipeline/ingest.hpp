// Group commit: every request's events wait here until a commit holds them
// and an fsync made it durable. Two threads form a pipeline: the committer
// writes each batch of requests in one transaction (without an fsync) and
// hands it on; the syncer fsyncs the WAL and then tells each request its
// receipt. So one batch's fsync overlaps the next batch's SQL work, and
// requests arriving meanwhile share the commit after that: the committer
// stays at most one batch ahead of the syncer, as each commit rewrites the
// last pages of the queue's tables, and fewer, larger commits write fewer
// WAL pages per request. A request leaves a callback (submit_async), called
// from the syncer, so that no thread sleeps per request waiting for the
// commit; a caller that must wait does so on that callback
// (wait_for_callback, completion_flag.hpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scanhook/core/store/queue_store.hpp"
#include "scanhook/core/time_source.hpp"

namespace scanhook::core {

struct IngestReceipt {
  bool committed = false;
  std::size_t added = 0;   // new folder rows
  std::size_t merged = 0;  // events merged into a queued folder
  std::string error;       // why not committed
};

class Ingest {
 public:
  // `on_commit` runs after each commit is durable (the dispatcher's wake-up).
  // Events are stamped with `clock`'s time (their debounce starts there).
  Ingest(QueueStore& queue, std::function<void()> on_commit, const TimeSource& clock = real_time());
  ~Ingest();
  Ingest(const Ingest&) = delete;
  Ingest& operator=(const Ingest&) = delete;

  // Commits and answers every request submitted so far, then ends the two
  // threads; later requests are answered at once that scanhookd is shutting
  // down. Calling it again does nothing; not from two threads at once.
  void stop();

  using Done = std::function<void(IngestReceipt)>;

  // Calls `done` once the events are durable (or could not be), on the
  // syncer's thread, or at once on this one when there is nothing to commit or
  // the ingest is stopping. `done` must be quick and must not throw: the syncer answers every
  // request of its batch in turn.
  // `dropped` (events no target takes) become history rows in the same commit.
  void submit_async(std::vector<QueuedEvent> events, Done done,
                    std::vector<DroppedEvent> dropped = {});
  // Requests waiting for the next commit (not the one being written).
  std::size_t waiting();
  // Transactions written so far (each holds one batch of requests).
  std::size_t commits() const { return commits_.load(); }

 private:
  // The requests one commit holds.
  struct Batch {
    std::vector<std::vector<QueuedEvent>> requests;  // guarded by mutex_ while open_
    std::vector<DroppedEvent> dropped;               // of every request, likewise
    std::vector<Done> done;                          // one per request
    std::vector<IngestReceipt> receipts;             // one per request, once committed
  };
  void run_committer();
  void run_syncer();
  void commit(Batch& batch);
  void sync(Batch& batch);

  QueueStore& queue_;
  std::function<void()> on_commit_;
  const TimeSource& clock_;
  std::mutex mutex_;
  std::condition_variable wake_committer_;
  std::condition_variable wake_syncer_;
  std::shared_ptr<Batch> open_ = std::make_shared<Batch>();  // collecting requests
  std::shared_ptr<Batch> committed_;  // written, waiting for the fsync (at most one)
  bool stopping_ = false;
  bool committer_done_ = false;  // stopping, and every request submitted is committed
  std::atomic<std::size_t> commits_{0};
  std::thread committer_;
  std::thread syncer_;
};

}  // namespace scanhook::core
