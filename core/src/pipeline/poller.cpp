#include "scanhook/core/pipeline/poller.hpp"

#include <Poco/Logger.h>

#include <algorithm>
#include <chrono>

namespace scanhook::core {

Poller::Poller(std::string name, std::shared_ptr<PollingSource> source,
               std::function<bool()> may_poll, TimeSource& clock)
    : name_(std::move(name)),
      source_(std::move(source)),
      // SDK 1.2, optional: across the .so boundary RTTI compares type names.
      flush_(dynamic_cast<FlushOnStop*>(source_.get())),
      may_poll_(std::move(may_poll)),
      clock_(clock) {}

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
  bool polled = false;  // the last turn polled: what the source holds back is this instance's
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) break;
    }
    bool polls = true;
    try {
      polls = !may_poll_ || may_poll_();
    } catch (const std::exception& error) {
      polls = false;  // the store is unreachable: so is the queue, for this instance
      Poco::Logger::get("scanhook.poller")
          .warning("[source.%s] cannot tell whether to poll: %s", name_, std::string(error.what()));
    }
    // A plugin answering 0 must not spin a core.
    const auto delay =
        polls ? std::max(source_->poll(), std::chrono::milliseconds(10)) : kStandbyDelay;
    polled = polls;
    std::unique_lock lock(mutex_);
    if (clock_.wait_for(stop_requested_, lock, delay, [this] { return stopping_; })) break;
  }
  if (flush_ && polled) flush_->flush();
}

}  // namespace scanhook::core
