#include "scanhook/core/pipeline/ingest.hpp"

#include <pthread.h>

#include <utility>

namespace scanhook::core {

Ingest::Ingest(QueueStore& queue, std::function<void()> on_commit, const TimeSource& clock)
    : queue_(queue),
      on_commit_(std::move(on_commit)),
      clock_(clock),
      committer_([this] { run_committer(); }),
      syncer_([this] { run_syncer(); }) {}

Ingest::~Ingest() {
  stop();
}

void Ingest::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_committer_.notify_all();
  if (committer_.joinable()) committer_.join();
  if (syncer_.joinable()) syncer_.join();
}

void Ingest::submit_async(std::vector<QueuedEvent> events, Done done,
                          std::vector<DroppedEvent> dropped) {
  if (events.empty() && dropped.empty()) return done({true, 0, 0, ""});
  bool first = false;
  {
    std::unique_lock lock(mutex_);
    if (stopping_) {
      lock.unlock();
      return done({false, 0, 0, "scanhookd is shutting down"});
    }
    first = open_->requests.empty();
    open_->requests.push_back(std::move(events));
    open_->done.push_back(std::move(done));
    for (auto& row : dropped) open_->dropped.push_back(std::move(row));
  }
  if (first) wake_committer_.notify_one();  // the committer waits for a batch's first request
}

std::size_t Ingest::waiting() {
  std::lock_guard lock(mutex_);
  return open_->requests.size();
}

void Ingest::run_committer() {
  pthread_setname_np(pthread_self(), "committer");  // as top -H and perf show it
  for (;;) {
    std::shared_ptr<Batch> batch;
    {
      std::unique_lock lock(mutex_);
      // At most one batch ahead of the syncer (see ingest.hpp).
      wake_committer_.wait(
          lock, [this] { return (stopping_ || !open_->requests.empty()) && !committed_; });
      if (open_->requests.empty()) {  // stopping, and everything submitted is committed
        committer_done_ = true;
        break;
      }
      batch = std::exchange(open_, std::make_shared<Batch>());
    }
    commit(*batch);
    ++commits_;
    {
      std::lock_guard lock(mutex_);
      committed_ = std::move(batch);
    }
    wake_syncer_.notify_one();
  }
  wake_syncer_.notify_one();
}

void Ingest::run_syncer() {
  pthread_setname_np(pthread_self(), "syncer");
  for (;;) {
    std::shared_ptr<Batch> batch;
    {
      std::unique_lock lock(mutex_);
      wake_syncer_.wait(lock, [this] { return committer_done_ || committed_; });
      if (!committed_) return;  // the committer is done, and so is every fsync
      batch = std::move(committed_);
    }
    wake_committer_.notify_one();  // the next batch may be committed during this fsync
    sync(*batch);
    for (std::size_t i = 0; i < batch->done.size(); ++i)
      batch->done[i](std::move(batch->receipts[i]));
    if (on_commit_) on_commit_();
  }
}

void Ingest::commit(Batch& batch) {
  auto& receipts = batch.receipts;
  receipts.assign(batch.requests.size(), {true, 0, 0, ""});
  std::vector<QueuedEvent> events;
  for (auto& request : batch.requests)
    for (auto& event : request) events.push_back(std::move(event));
  try {
    const auto outcomes = queue_.add_events(events, batch.dropped, clock_.millis());
    std::size_t next = 0;
    for (std::size_t i = 0; i < batch.requests.size(); ++i)
      for (std::size_t k = 0; k < batch.requests[i].size(); ++k, ++next) {
        if (outcomes[next] == Enqueued::added)
          ++receipts[i].added;
        else
          ++receipts[i].merged;
      }
  } catch (const std::exception& error) {
    for (auto& receipt : receipts)
      receipt = {false, 0, 0, std::string("the queue could not store the events: ") + error.what()};
  }
}

// If the fsync fails, no request of the batch is told its events are stored.
void Ingest::sync(Batch& batch) {
  try {
    queue_.sync();
  } catch (const std::exception& error) {
    for (auto& receipt : batch.receipts)
      if (receipt.committed)
        receipt = {false, 0, 0,
                   std::string("the queue could not make the events durable: ") + error.what()};
  }
}

}  // namespace scanhook::core
