#include "scanhook/core/http/worker_pool.hpp"

#include <Poco/Logger.h>
#include <pthread.h>

#include <algorithm>
#include <exception>

namespace scanhook::core {

WorkerPool::WorkerPool(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) thread.join();
}

// The reactor calls this for every request: it wakes a thread only when one
// sleeps (a busy one takes the job on its next turn), and after unlocking,
// so that the woken thread does not sleep again on the mutex. Poco's
// NotificationQueue woke through a per-waiter event with its own mutex: two
// sleeps and wake-ups per job, under the reactor's feet.
void WorkerPool::run(Job job) {
  bool sleeper = false;
  {
    std::lock_guard lock(mutex_);
    jobs_.push_back(std::move(job));
    sleeper = idle_ > 0;
  }
  if (sleeper) wake_.notify_one();
}

void WorkerPool::work() {
  pthread_setname_np(pthread_self(), "worker");
  std::unique_lock lock(mutex_);
  for (;;) {
    if (jobs_.empty()) {
      if (stopping_) return;
      ++idle_;
      wake_.wait(lock, [this] { return !jobs_.empty() || stopping_; });
      --idle_;
      continue;
    }
    Job job = std::move(jobs_.front());
    jobs_.pop_front();
    lock.unlock();
    try {
      job();
    } catch (const std::exception& error) {
      Poco::Logger::get("scanhook.http")
          .error("a worker's job failed: %s", std::string(error.what()));
    }
    job = nullptr;  // what the job holds goes before the next wait
    lock.lock();
  }
}

}  // namespace scanhook::core
