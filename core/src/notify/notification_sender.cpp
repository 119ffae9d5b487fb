#include "scanhook/core/notify/notification_sender.hpp"
#include "scanhook/core/text/counted.hpp"

#include <Poco/Logger.h>

#include <algorithm>

namespace scanhook::core {

NotificationSender::NotificationSender(NotificationOutbox& outbox,
                                       std::vector<NotifierSlot> notifiers, NotifySettings settings,
                                       TimeSource& clock)
    : outbox_(outbox),
      settings_(settings),
      logger_(Poco::Logger::get("scanhook.notify")),
      clock_(clock),
      random_(std::random_device{}()) {
  for (auto& slot : notifiers) {
    auto worker = std::make_unique<Worker>();
    worker->max_batch = std::max<std::size_t>(slot.notifier->max_batch(), 1);
    worker->slot = std::move(slot);
    workers_.push_back(std::move(worker));
  }
}

NotificationSender::~NotificationSender() {
  stop();
}

void NotificationSender::start() {
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([this, w] { run(*w); });
  }
}

void NotificationSender::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  changed_.notify_all();
  for (auto& worker : workers_)
    if (worker->thread.joinable()) worker->thread.join();
}

bool NotificationSender::sleep(std::chrono::milliseconds duration) {
  std::unique_lock lock(mutex_);
  return !clock_.wait_for(changed_, lock, duration, [&] { return stopping_; });
}

void NotificationSender::run(Worker& worker) {
  for (;;) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return;
    }
    std::chrono::milliseconds wait = settings_.idle_interval;
    try {
      wait = step(worker);
    } catch (const std::exception& error) {
      logger_.error("[notify." + worker.slot.name + "] the outbox failed: " + error.what());
    }
    if (wait.count() > 0 && !sleep(wait)) return;
  }
}

std::chrono::milliseconds NotificationSender::step(Worker& worker) {
  const std::string& name = worker.slot.name;
  // Another instance on the shared database sends this notifier's; look
  // again within idle_interval, to take over when it stops.
  if (!outbox_.sends(name)) return settings_.idle_interval;
  Millis now = clock_.millis();
  const Millis oldest = outbox_.oldest_due(name, now);
  if (oldest == 0) {
    // Nothing due: sleep until the next postponed one, or until woken.
    const Millis next = outbox_.next_attempt(name);
    const Millis until_next = next == 0 ? settings_.idle_interval.count() : next - now;
    return std::chrono::milliseconds(
        std::clamp<Millis>(until_next, 1, settings_.idle_interval.count()));
  }
  const Millis ready_at = std::max(oldest + worker.slot.batch_wait.count(),
                                   worker.last_sent + worker.slot.min_interval.count());
  if (ready_at > now) return std::chrono::milliseconds(ready_at - now);

  const auto batch = outbox_.due(name, now, worker.max_batch);
  if (batch.empty()) return std::chrono::milliseconds(0);
  const Result answer = worker.slot.notifier->send(batch);
  now = clock_.millis();
  worker.last_sent = now;
  switch (answer.status) {
    case Status::ok:
      outbox_.remove(name, batch);
      worker.failures = 0;
      logger_.information("[notify." + name + "] sent " + counted(batch.size(), "notification"));
      break;
    case Status::rejected:
      // The message can never pass (its receiver refuses its shape): kept, it
      // would block every later one.
      outbox_.remove(name, batch);
      worker.failures = 0;
      logger_.error("[notify." + name + "] refused " + counted(batch.size(), "notification") +
                    " for good, dropped: " + answer.reason);
      break;
    case Status::retry: {
      ++worker.failures;
      const double jitter = std::uniform_real_distribution<double>(0, 1)(random_);
      const auto delay =
          retry_delay(settings_.backoff, worker.failures, answer.retry_after, jitter);
      outbox_.postpone(name, batch, now + delay.count(), answer.reason);
      logger_.warning("[notify." + name + "] will retry in " +
                      std::to_string(delay.count() / 1000) + "s: " + answer.reason);
      break;
    }
    case Status::unavailable:
      ++worker.failures;
      outbox_.postpone(name, batch, now + settings_.probe_interval.count(), answer.reason);
      logger_.warning("[notify." + name + "] unavailable, notifications kept: " + answer.reason);
      break;
  }
  return std::chrono::milliseconds(0);
}

}  // namespace scanhook::core
