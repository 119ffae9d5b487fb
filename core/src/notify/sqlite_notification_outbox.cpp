#include "scanhook/core/notify/sqlite_notification_outbox.hpp"

namespace scanhook::core {

SqliteNotificationOutbox::SqliteNotificationOutbox(Database& database,
                                                   std::vector<NotifierSubscription> subscribers)
    : NotificationOutbox(std::move(subscribers)), database_(database) {}

void SqliteNotificationOutbox::add(SqlConnection& sql, NotificationEvent event,
                                   const std::string& subject, const std::string& folder,
                                   const std::string& reason, Millis at) const {
  for (const auto& name : wanting(event)) {
    sql.prepare(
           "INSERT INTO notifications(notifier, event, subject, folder, reason, created_at) "
           "VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, name)
        .bind(2, static_cast<std::int64_t>(event))
        .bind(3, subject)
        .bind(4, folder)
        .bind(5, reason)
        .bind(6, at)
        .run();
  }
}

void SqliteNotificationOutbox::add_now(NotificationEvent event, const std::string& subject,
                                       const std::string& reason, Millis at) {
  if (!has_subscribers()) return;
  database_.write([&](SqlConnection& sql) { add(sql, event, subject, "", reason, at); });
}

std::vector<Notification> SqliteNotificationOutbox::due(const std::string& notifier, Millis now,
                                                        std::size_t limit) {
  return database_.read([&](SqlConnection& sql) {
    std::vector<Notification> batch;
    auto& rows = sql.prepare(
                        "SELECT id, event, subject, folder, reason, created_at FROM notifications "
                        "WHERE notifier = ?1 AND next_attempt <= ?2 ORDER BY id LIMIT ?3")
                     .bind(1, notifier)
                     .bind(2, now)
                     .bind(3, static_cast<std::int64_t>(limit));
    while (rows.step())
      batch.push_back({rows.integer(0), static_cast<NotificationEvent>(rows.integer(1)),
                       rows.text(2), rows.text(3), rows.text(4), rows.integer(5)});
    return batch;
  });
}

Millis SqliteNotificationOutbox::oldest_due(const std::string& notifier, Millis now) {
  return database_.read([&](SqlConnection& sql) {
    auto& row = sql.prepare(
                       "SELECT MIN(created_at) FROM notifications "
                       "WHERE notifier = ?1 AND next_attempt <= ?2")
                    .bind(1, notifier)
                    .bind(2, now);
    return row.step() && !row.is_null(0) ? row.integer(0) : Millis{0};
  });
}

Millis SqliteNotificationOutbox::next_attempt(const std::string& notifier) {
  return database_.read([&](SqlConnection& sql) {
    auto& row = sql.prepare("SELECT MIN(next_attempt) FROM notifications WHERE notifier = ?1")
                    .bind(1, notifier);
    return row.step() && !row.is_null(0) ? row.integer(0) : Millis{0};
  });
}

void SqliteNotificationOutbox::remove(const std::string& notifier,
                                      const std::vector<Notification>& sent) {
  if (sent.empty()) return;
  database_.write([&](SqlConnection& sql) {
    // One statement per row: a statement per id list would fill the statement cache.
    for (const auto& notification : sent)
      sql.prepare("DELETE FROM notifications WHERE notifier = ?1 AND id = ?2")
          .bind(1, notifier)
          .bind(2, notification.id)
          .run();
  });
}

void SqliteNotificationOutbox::postpone(const std::string& notifier,
                                        const std::vector<Notification>& batch, Millis until,
                                        const std::string& error) {
  if (batch.empty()) return;
  database_.write([&](SqlConnection& sql) {
    for (const auto& notification : batch)
      sql.prepare(
             "UPDATE notifications SET next_attempt = ?2, attempts = attempts + 1, "
             "last_error = ?3 WHERE notifier = ?1 AND id = ?4")
          .bind(1, notifier)
          .bind(2, until)
          .bind(3, error)
          .bind(4, notification.id)
          .run();
  });
}

std::int64_t SqliteNotificationOutbox::waiting(const std::string& notifier) {
  return database_.read([&](SqlConnection& sql) {
    auto& row =
        sql.prepare("SELECT COUNT(*) FROM notifications WHERE notifier = ?1").bind(1, notifier);
    return row.step() ? row.integer(0) : std::int64_t{0};
  });
}

std::size_t SqliteNotificationOutbox::drop_unsubscribed() {
  return database_.write([&](SqlConnection& sql) {
    std::vector<std::string> with_rows;
    auto& names = sql.prepare("SELECT DISTINCT notifier FROM notifications");
    while (names.step()) with_rows.push_back(names.text(0));
    names.reset();
    std::size_t dropped = 0;
    for (const auto& name : unsubscribed(with_rows)) {
      sql.prepare("DELETE FROM notifications WHERE notifier = ?1").bind(1, name).run();
      dropped += static_cast<std::size_t>(sql.changes());
    }
    return dropped;
  });
}

}  // namespace scanhook::core
