#include "scanhook/core/pipeline/history_pruner.hpp"

#include <Poco/Logger.h>

#include <algorithm>

namespace scanhook::core {

HistoryPruner::HistoryPruner(QueueStore& queue, std::chrono::milliseconds retention,
                             TimeSource& clock)
    : queue_(queue),
      retention_(retention),
      interval_(std::clamp(retention, std::chrono::milliseconds(1), kLongestInterval)),
      clock_(clock) {}

HistoryPruner::~HistoryPruner() {
  stop();
}

void HistoryPruner::start() {
  if (thread_.joinable()) return;
  prune();
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void HistoryPruner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void HistoryPruner::run() {
  std::unique_lock lock(mutex_);
  while (!clock_.wait_for(changed_, lock, interval_, [this] { return stopping_; })) {
    lock.unlock();
    prune();
    lock.lock();
  }
}

// A failed prune (disk full) is tried again at the next interval; the rows wait.
void HistoryPruner::prune() noexcept {
  try {
    queue_.prune_history(clock_.millis() - retention_.count());
  } catch (const std::exception& error) {
    Poco::Logger::get("scanhook.engine")
        .warning(std::string("cannot prune the history: ") + error.what() +
                 " (tried again in an hour at most)");
  }
}

}  // namespace scanhook::core
