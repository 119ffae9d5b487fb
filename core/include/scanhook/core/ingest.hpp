// Group commit: every request's events wait here until a commit holds them;
// requests that arrive while one commit is being fsynced share the next one.
// The waiters of one commit are woken together (one futex wake per commit, not
// one wake-up call per request: the committer is the serial part), and each
// waiter is woken once: it re-takes no mutex on its way out.
#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "scanhook/core/completion_flag.hpp"
#include "scanhook/core/queue.hpp"

namespace scanhook::core {

struct IngestReceipt {
  bool committed = false;
  std::size_t added = 0;   // new folder rows
  std::size_t merged = 0;  // events merged into a queued folder
  std::string error;       // why not committed
};

class Ingest {
 public:
  // `on_commit` runs after each commit (the dispatcher's wake-up).
  Ingest(Queue& queue, std::function<void()> on_commit);
  ~Ingest();
  Ingest(const Ingest&) = delete;
  Ingest& operator=(const Ingest&) = delete;

  // Blocks until the events are committed (or could not be).
  IngestReceipt submit(std::vector<QueuedEvent> events);
  // Requests waiting for the next commit (not the one being written).
  std::size_t waiting();

 private:
  // The requests one commit holds.
  struct Batch {
    std::vector<std::vector<QueuedEvent>> requests;  // guarded by mutex_ while open_
    std::vector<IngestReceipt> receipts;             // one per request, once done
    CompletionFlag done;
  };
  void run();
  void commit(Batch& batch);

  Queue& queue_;
  std::function<void()> on_commit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::shared_ptr<Batch> open_ = std::make_shared<Batch>();  // collecting requests
  bool stopping_ = false;
  std::thread committer_;
};

}  // namespace scanhook::core
