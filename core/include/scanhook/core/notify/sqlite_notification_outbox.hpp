// The notification outbox (notification_outbox.hpp) in the SQLite database
// of a one-instance scanhookd (schema 8's notifications table).
#pragma once

#include "scanhook/core/notify/notification_outbox.hpp"
#include "scanhook/core/store/database.hpp"

namespace scanhook::core {

class SqliteNotificationOutbox final : public NotificationOutbox {
 public:
  SqliteNotificationOutbox(Database& database, std::vector<NotifierSubscription> subscribers);

  // Inside the caller's write transaction: one row per notifier that wants `event`.
  void add(SqlConnection& sql, NotificationEvent event, const std::string& subject,
           const std::string& folder, const std::string& reason, Millis at) const;
  void add_now(NotificationEvent event, const std::string& subject, const std::string& reason,
               Millis at) override;
  // One instance per SQLite file (Queue locks it): it sends them all.
  bool sends(const std::string&) override { return true; }

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
  Database& database_;
};

}  // namespace scanhook::core
