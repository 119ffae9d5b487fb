// The notification outbox (notification_outbox.hpp) in a PostgreSQL database
// shared by several scanhookd (schema 3's notifications table). Any instance
// writes notifications, in the transactions of what they report; each
// notifier's are sent by one instance at a time, the one holding the
// notifier's advisory lock (QueueStore::hold_lock: released by the server
// when that instance dies, and another takes over). As after a restart on
// SQLite, a batch sent but not yet removed when its sender died is sent again
// (receivers drop repeats by id).
#pragma once

#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/store/postgres_pool.hpp"
#include "scanhook/core/store/queue_store.hpp"

namespace scanhook::core {

class PostgresNotificationOutbox final : public NotificationOutbox {
 public:
  // `locks` holds the notifiers' locks (PostgresQueue on the same database).
  PostgresNotificationOutbox(PostgresPool& pool, QueueStore& locks,
                             std::vector<NotifierSubscription> subscribers);

  // Inside the caller's transaction: one row per notifier that wants `event`.
  void add(PostgresConnection& sql, NotificationEvent event, const std::string& subject,
           const std::string& folder, const std::string& reason, Millis at) const;
  void add_now(NotificationEvent event, const std::string& subject, const std::string& reason,
               Millis at) override;
  // Takes or keeps the lock "notifier NAME"; throws PostgresError when the
  // database cannot be reached.
  bool sends(const std::string& notifier) override;

  std::vector<Notification> due(const std::string& notifier, Millis now,
                                std::size_t limit) override;
  Millis oldest_due(const std::string& notifier, Millis now) override;
  Millis next_attempt(const std::string& notifier) override;
  void remove(const std::string& notifier, const std::vector<Notification>& sent) override;
  void postpone(const std::string& notifier, const std::vector<Notification>& batch, Millis until,
                const std::string& error) override;
  std::int64_t waiting(const std::string& notifier) override;
  std::size_t drop_unsubscribed() override;

 private:
  PostgresPool& pool_;
  QueueStore& locks_;
};

}  // namespace scanhook::core
