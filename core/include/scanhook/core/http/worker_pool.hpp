// A fixed set of threads that run jobs in the order they were queued: the HTTP
// server's workers, which see only complete requests.
#pragma once

#include <Poco/NotificationQueue.h>

#include <functional>
#include <thread>
#include <vector>

namespace scanhook::core {

class WorkerPool {
 public:
  using Job = std::function<void()>;

  // Starts `threads` threads (at least 1).
  explicit WorkerPool(int threads);
  // Runs the jobs already queued, then joins the threads.
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // Any thread. A job that throws is logged and the thread goes on.
  void run(Job job);
  // Jobs queued and not yet started.
  std::size_t waiting() const { return static_cast<std::size_t>(queue_.size()); }

 private:
  void work();

  Poco::NotificationQueue queue_;
  std::vector<std::thread> threads_;
};

}  // namespace scanhook::core
