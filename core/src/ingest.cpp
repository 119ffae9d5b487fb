#include "scanhook/core/ingest.hpp"

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
  std::future<IngestReceipt> receipt;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return {false, 0, 0, "scanhookd is shutting down"};
    pending_.push_back({std::move(events), {}});
    receipt = pending_.back().receipt.get_future();
  }
  wake_.notify_one();
  return receipt.get();
}

void Ingest::run() {
  for (;;) {
    std::deque<Pending> batch;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !pending_.empty(); });
      if (pending_.empty()) return;  // stopping, and everything submitted is committed
      batch.swap(pending_);
    }
    commit(batch);
  }
}

void Ingest::commit(std::deque<Pending>& batch) {
  std::vector<IngestReceipt> receipts(batch.size());
  try {
    const Millis now = now_millis();
    queue_.database().write([&](SqlConnection& sql) {
      for (std::size_t i = 0; i < batch.size(); ++i) {
        receipts[i] = {true, 0, 0, ""};
        for (const auto& event : batch[i].events) {
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
  for (std::size_t i = 0; i < batch.size(); ++i) batch[i].receipt.set_value(receipts[i]);
  if (on_commit_) on_commit_();
}

}  // namespace scanhook::core
