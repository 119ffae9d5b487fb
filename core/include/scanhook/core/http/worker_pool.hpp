// A fixed set of threads that run jobs in the order they were queued: the HTTP
// server's workers, which see only complete requests.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
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

 private:
  void work();

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> jobs_;  // guarded by mutex_, like the two below
  int idle_ = 0;          // threads asleep on wake_
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace scanhook::core
