#include "scanhook/core/poller.hpp"

#include <algorithm>
#include <chrono>

namespace scanhook::core {

Poller::Poller(std::string name, std::shared_ptr<PollingSource> source)
    : name_(std::move(name)), source_(std::move(source)) {}

Poller::~Poller() {
  stop();
}

void Poller::start() {
  thread_ = std::thread([this] { run(); });
}

void Poller::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  stop_requested_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Poller::run() {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    // A plugin answering 0 must not spin a core.
    const auto delay = std::max(source_->poll(), std::chrono::milliseconds(10));
    std::unique_lock lock(mutex_);
    if (stop_requested_.wait_for(lock, delay, [this] { return stopping_; })) return;
  }
}

}  // namespace scanhook::core
