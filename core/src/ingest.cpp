#include "scanhook/core/ingest.hpp"

#include <utility>

namespace scanhook::core {

Ingest::Ingest(Queue& queue, std::function<void()> on_commit)
    : queue_(queue), on_commit_(std::move(on_commit)), committer_([this] { run(); }) {}

Ingest::~Ingest() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  committer_.join();
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
  if (index == 0) wake_.notify_one();  // the committer waits for a batch's first request
  batch->done.wait();
  return std::move(batch->receipts[index]);
}

std::size_t Ingest::waiting() {
  std::lock_guard lock(mutex_);
  return open_->requests.size();
}

void Ingest::run() {
  for (;;) {
    std::shared_ptr<Batch> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !open_->requests.empty(); });
      if (open_->requests.empty()) return;  // stopping, and everything submitted is committed
      batch = std::exchange(open_, std::make_shared<Batch>());
    }
    commit(*batch);
    batch->done.set();
    if (on_commit_) on_commit_();
  }
}

void Ingest::commit(Batch& batch) {
  auto& receipts = batch.receipts;
  receipts.assign(batch.requests.size(), {true, 0, 0, ""});
  try {
    const Millis now = now_millis();
    queue_.database().write([&](SqlConnection& sql) {
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

}  // namespace scanhook::core
