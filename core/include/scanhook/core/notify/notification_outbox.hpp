// Notifications waiting for their notifier ([notify.NAME]), kept in the
// database: a notification is written in the same transaction as what it
// reports (a delivery's history row, a dead letter), or in its own when it
// reports no write (a target paused or answering again), and leaves only when
// the notifier answers ok or rejected. So a restart loses none.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/store/database.hpp"
#include "scanhook/notifier.hpp"

namespace scanhook::core {

// The events of a notify section's `events` key: comma-separated names
// (notification_event_name), spaces ignored. nullopt with `error` saying
// which word is unknown, or that the list is empty.
std::optional<std::vector<NotificationEvent>> parse_notification_events(const std::string& text,
                                                                        std::string& error);

// One notifier and what it wants to hear.
struct NotifierSubscription {
  std::string name;
  std::vector<NotificationEvent> events;
};

class NotificationOutbox {
 public:
  NotificationOutbox(Database& database, std::vector<NotifierSubscription> subscribers);

  bool has_subscribers() const { return !subscribers_.empty(); }

  // Inside the caller's write transaction: one row per notifier that wants `event`.
  void add(SqlConnection& sql, NotificationEvent event, const std::string& subject,
           const std::string& folder, const std::string& reason, Millis at) const;
  // The same in a transaction of its own (durable when it returns).
  void add_now(NotificationEvent event, const std::string& subject, const std::string& reason,
               Millis at);

  // Up to `limit` notifications of `notifier` whose next attempt is due at
  // `now`, oldest first.
  std::vector<Notification> due(const std::string& notifier, Millis now, std::size_t limit);
  // When the oldest due notification of `notifier` was written, or 0 when none is due.
  Millis oldest_due(const std::string& notifier, Millis now);
  // The earliest next attempt of `notifier`'s waiting notifications, or 0 when none waits.
  Millis next_attempt(const std::string& notifier);
  // Sent (or refused for good): gone.
  void remove(const std::string& notifier, const std::vector<Notification>& sent);
  // Tried and failed: due again at `until`, the error kept.
  void postpone(const std::string& notifier, const std::vector<Notification>& batch, Millis until,
                const std::string& error);
  std::int64_t waiting(const std::string& notifier);
  // Removes what waits for notifiers no longer configured; returns how many.
  std::size_t drop_unsubscribed();

 private:
  Database& database_;
  std::vector<NotifierSubscription> subscribers_;
};

}  // namespace scanhook::core
