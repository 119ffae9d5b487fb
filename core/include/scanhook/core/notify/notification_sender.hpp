// Sends the outbox's notifications: one thread per notifier. A notification
// waits `batch_wait` for others to share its message, two messages are at
// least `min_interval` apart, and a failed send keeps the batch: `retry`
// backs off (honouring the receiver's retry-after), `unavailable` waits the
// probe interval; only ok and rejected remove it. With several instances on
// one database, a notifier's thread sends only while its instance holds the
// notifier (NotificationOutbox::sends). Every wait and every time stamp is
// on the TimeSource it is given, so tests advance a clock instead of sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/pipeline/backoff.hpp"
#include "scanhook/core/time_source.hpp"
#include "scanhook/notifier.hpp"

namespace Poco {
class Logger;
}

namespace scanhook::core {

struct NotifierSlot {
  std::string name;
  std::shared_ptr<Notifier> notifier;
  std::chrono::milliseconds batch_wait{10'000};
  std::chrono::milliseconds min_interval{2'000};
};

struct NotifySettings {
  BackoffPolicy backoff;
  std::chrono::milliseconds probe_interval{30'000};
  std::chrono::milliseconds idle_interval{1'000};
};

class NotificationSender {
 public:
  NotificationSender(NotificationOutbox& outbox, std::vector<NotifierSlot> notifiers,
                     NotifySettings settings, TimeSource& clock = real_time());
  ~NotificationSender();
  NotificationSender(const NotificationSender&) = delete;
  NotificationSender& operator=(const NotificationSender&) = delete;

  void start();
  // Waits for a send in flight. Notifications not sent stay in the outbox.
  void stop();

 private:
  struct Worker {
    NotifierSlot slot;
    std::size_t max_batch = 1;
    std::thread thread;
    Millis last_sent = 0;
    int failures = 0;  // sends failed in a row, for the backoff
  };

  void run(Worker& worker);
  // Sends one batch if one is ready; how long to wait before looking again.
  std::chrono::milliseconds step(Worker& worker);
  // False once stopping. Nothing wakes an idle notifier early: a notification
  // waits batch_wait anyway, and idle_interval is shorter.
  bool sleep(std::chrono::milliseconds duration);

  NotificationOutbox& outbox_;
  NotifySettings settings_;
  std::vector<std::unique_ptr<Worker>> workers_;
  Poco::Logger& logger_;

  TimeSource& clock_;
  std::mutex mutex_;
  std::condition_variable_any changed_;
  bool stopping_ = false;
  std::mt19937_64 random_;
};

}  // namespace scanhook::core
