// Group commit: every request's events wait here until a commit holds them;
// requests that arrive while one commit is being fsynced share the next one.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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

 private:
  struct Pending {
    std::vector<QueuedEvent> events;
    std::promise<IngestReceipt> receipt;
  };
  void run();
  void commit(std::deque<Pending>& batch);

  Queue& queue_;
  std::function<void()> on_commit_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Pending> pending_;
  bool stopping_ = false;
  std::thread committer_;
};

}  // namespace scanhook::core
