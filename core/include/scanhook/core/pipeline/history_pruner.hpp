// Keeps the history within `history_retention` while scanhookd runs: rows
// whose delivery finished longer ago than the retention are deleted at
// start() and then every prune interval (an hour, or the retention when that
// is shorter), so a row lives at most retention + interval. Before, only a
// restart pruned, and a daemon that ran for months kept every row.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "scanhook/core/store/queue_store.hpp"
#include "scanhook/core/time_source.hpp"

namespace scanhook::core {

class HistoryPruner {
 public:
  static constexpr std::chrono::milliseconds kLongestInterval = std::chrono::hours(1);

  // Ages and intervals are measured on `clock`.
  HistoryPruner(QueueStore& queue, std::chrono::milliseconds retention,
                TimeSource& clock = real_time());
  ~HistoryPruner();  // stop()
  HistoryPruner(const HistoryPruner&) = delete;
  HistoryPruner& operator=(const HistoryPruner&) = delete;

  // Prunes once (on the caller's thread, so start-up sees a pruned history),
  // then starts the thread that prunes every interval.
  void start();
  void stop();

 private:
  void run();
  void prune() noexcept;

  QueueStore& queue_;
  std::chrono::milliseconds retention_;
  std::chrono::milliseconds interval_;
  TimeSource& clock_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace scanhook::core
