#include "scanhook/core/ingest.hpp"

#include <pthread.h>

#include <utility>

namespace scanhook::core {

Ingest::Ingest(Queue& queue, std::function<void()> on_commit)
    : queue_(queue),
      on_commit_(std::move(on_commit)),
      committer_([this] { run_committer(); }),
      syncer_([this] { run_syncer(); }) {}

Ingest::~Ingest() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_committer_.notify_all();
  committer_.join();
  syncer_.join();
}

IngestReceipt Ingest::submit(std::vector<QueuedEvent> events) {
  if (events.empty()) return {true, 0, 0, ""};
  std::shared_ptr<Batch> batch;
  std::size_t index = 0;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return {false, 0, 0, "scanhookd is shutting down"};
    batch = open_;
    index = batch->requests.size();
    batch->requests.push_back(std::move(events));
  }
  if (index == 0) wake_committer_.notify_one();  // the committer waits for a batch's first request
  batch->done.wait();
  return std::move(batch->receipts[index]);
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
      wake_committer_.wait(lock, [this] { return stopping_ || !open_->requests.empty(); });
      if (open_->requests.empty()) {  // stopping, and everything submitted is committed
        committer_done_ = true;
        break;
      }
      batch = std::exchange(open_, std::make_shared<Batch>());
    }
    commit(*batch);
    {
      std::lock_guard lock(mutex_);
      committed_.push_back(std::move(batch));
    }
    wake_syncer_.notify_one();
  }
  wake_syncer_.notify_one();
}

void Ingest::run_syncer() {
  pthread_setname_np(pthread_self(), "syncer");
  for (;;) {
    std::vector<std::shared_ptr<Batch>> batches;
    {
      std::unique_lock lock(mutex_);
      wake_syncer_.wait(lock, [this] { return committer_done_ || !committed_.empty(); });
      if (committed_.empty()) return;  // the committer is done, and so is every fsync
      batches.swap(committed_);
    }
    sync(batches);
    for (const auto& batch : batches) batch->done.set();
    if (on_commit_) on_commit_();
  }
}

void Ingest::commit(Batch& batch) {
  auto& receipts = batch.receipts;
  receipts.assign(batch.requests.size(), {true, 0, 0, ""});
  try {
    const Millis now = now_millis();
    queue_.database().write_unsynced([&](SqlConnection& sql) {
      for (std::size_t i = 0; i < batch.requests.size(); ++i) {
        for (const auto& event : batch.requests[i]) {
          if (queue_.enqueue(sql, event, now) == Enqueued::added)
            ++receipts[i].added;
          else
            ++receipts[i].merged;
        }
      }
    });
  } catch (const std::exception& error) {
    for (auto& receipt : receipts)
      receipt = {false, 0, 0, std::string("the queue could not store the events: ") + error.what()};
  }
}

// One fsync for every batch committed so far. If it fails, no request of
// theirs is told its events are stored.
void Ingest::sync(std::vector<std::shared_ptr<Batch>>& batches) {
  try {
    queue_.database().sync();
  } catch (const std::exception& error) {
    for (const auto& batch : batches)
      for (auto& receipt : batch->receipts)
        if (receipt.committed)
          receipt = {false, 0, 0,
                     std::string("the queue could not make the events durable: ") + error.what()};
  }
}

}  // namespace scanhook::core
