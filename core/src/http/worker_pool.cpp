#include "scanhook/core/http/worker_pool.hpp"

#include <Poco/Logger.h>
#include <Poco/Notification.h>

#include <algorithm>
#include <exception>

namespace scanhook::core {

namespace {

class JobNotification final : public Poco::Notification {
 public:
  explicit JobNotification(WorkerPool::Job work) : job(std::move(work)) {}
  WorkerPool::Job job;
};

// Dequeued by each thread once, after the jobs before it: the thread ends.
class StopNotification final : public Poco::Notification {};

}  // namespace

WorkerPool::WorkerPool(int threads) {
  for (int i = 0; i < std::max(threads, 1); ++i) threads_.emplace_back([this] { work(); });
}

WorkerPool::~WorkerPool() {
  for (std::size_t i = 0; i < threads_.size(); ++i)
    queue_.enqueueNotification(new StopNotification);
  for (auto& thread : threads_) thread.join();
}

void WorkerPool::run(Job job) {
  queue_.enqueueNotification(new JobNotification(std::move(job)));
}

void WorkerPool::work() {
  for (;;) {
    Poco::AutoPtr<Poco::Notification> next(queue_.waitDequeueNotification());
    auto* job = dynamic_cast<JobNotification*>(next.get());
    if (job == nullptr) return;
    try {
      job->job();
    } catch (const std::exception& error) {
      Poco::Logger::get("scanhook.http")
          .error("a worker's job failed: %s", std::string(error.what()));
    }
  }
}

}  // namespace scanhook::core
