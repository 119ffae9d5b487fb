// Notifications waiting for their notifier ([notify.NAME]), kept in the
// store's database: a notification is written in the same transaction as what
// it reports (a delivery's history row, a dead letter), or in its own when it
// reports no write (a target paused or answering again), and leaves only when
// the notifier answers ok or rejected. So a restart loses none. One
// implementation per store: SqliteNotificationOutbox, PostgresNotificationOutbox
// (Store::open_outbox makes the one of its database).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/expected.hpp"
#include "scanhook/core/store/queue_types.hpp"
#include "scanhook/notifier.hpp"

namespace scanhook::core {

// The events of a notify section's `events` key: comma-separated names
// (notification_event_name), spaces ignored, repeats kept once. An Error says
// which word is unknown, or that the list is empty.
Expected<std::vector<NotificationEvent>> parse_notification_events(const std::string& text);

// One notifier and what it wants to hear.
struct NotifierSubscription {
  std::string name;
  std::vector<NotificationEvent> events;
};

class NotificationOutbox {
 public:
  explicit NotificationOutbox(std::vector<NotifierSubscription> subscribers);
  virtual ~NotificationOutbox() = default;

  bool has_subscribers() const { return !subscribers_.empty(); }

  // In a transaction of its own (durable when it returns): one row per
  // notifier that wants `event`.
  virtual void add_now(NotificationEvent event, const std::string& subject,
                       const std::string& reason, Millis at) = 0;
  // Whether this scanhookd sends `notifier`'s notifications now: always with
  // one instance; with several on one database, only the one holding the
  // notifier's lock, so each notification goes out once per cluster.
  virtual bool sends(const std::string& notifier) = 0;

  // Up to `limit` notifications of `notifier` whose next attempt is due at
  // `now`, oldest first.
  virtual std::vector<Notification> due(const std::string& notifier, Millis now,
                                        std::size_t limit) = 0;
  // When the oldest due notification of `notifier` was written, or 0 when none is due.
  virtual Millis oldest_due(const std::string& notifier, Millis now) = 0;
  // The earliest next attempt of `notifier`'s waiting notifications, or 0 when none waits.
  virtual Millis next_attempt(const std::string& notifier) = 0;
  // Sent (or refused for good): gone.
  virtual void remove(const std::string& notifier, const std::vector<Notification>& sent) = 0;
  // Tried and failed: due again at `until`, the error kept.
  virtual void postpone(const std::string& notifier, const std::vector<Notification>& batch,
                        Millis until, const std::string& error) = 0;
  virtual std::int64_t waiting(const std::string& notifier) = 0;
  // Removes what waits for notifiers no longer configured; returns how many.
  virtual std::size_t drop_unsubscribed() = 0;

 protected:
  // The notifiers that want `event`, each to get a row of its own.
  std::vector<std::string> wanting(NotificationEvent event) const;
  // Names of the notifiers that have rows but are not subscribed (any longer).
  std::vector<std::string> unsubscribed(const std::vector<std::string>& with_rows) const;

 private:
  std::vector<NotifierSubscription> subscribers_;
};

}  // namespace scanhook::core
