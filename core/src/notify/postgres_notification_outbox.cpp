#include "scanhook/core/notify/postgres_notification_outbox.hpp"

namespace scanhook::core {

namespace {

// The ids of `batch`, for `= ANY($n::bigint[])`.
std::string id_array(const std::vector<Notification>& batch) {
  std::vector<std::string> ids;
  for (const auto& notification : batch) ids.push_back(std::to_string(notification.id));
  return postgres_text_array(ids);
}

}  // namespace

PostgresNotificationOutbox::PostgresNotificationOutbox(
    PostgresPool& pool, QueueStore& locks, std::vector<NotifierSubscription> subscribers)
    : NotificationOutbox(std::move(subscribers)), pool_(pool), locks_(locks) {}

void PostgresNotificationOutbox::add(PostgresConnection& sql, NotificationEvent event,
                                     const std::string& subject, const std::string& folder,
                                     const std::string& reason, Millis at) const {
  for (const auto& name : wanting(event))
    sql.run(
        "INSERT INTO notifications(notifier, event, subject, folder, reason, created_at) "
        "VALUES($1, $2, $3, $4, $5, $6)",
        {name, static_cast<int>(event), subject, folder, reason, at});
}

void PostgresNotificationOutbox::add_now(NotificationEvent event, const std::string& subject,
                                         const std::string& reason, Millis at) {
  if (!has_subscribers()) return;
  pool_.transaction([&](PostgresConnection& sql) { add(sql, event, subject, "", reason, at); });
}

bool PostgresNotificationOutbox::sends(const std::string& notifier) {
  return locks_.hold_lock("notifier " + notifier);
}

std::vector<Notification> PostgresNotificationOutbox::due(const std::string& notifier, Millis now,
                                                          std::size_t limit) {
  const auto rows = pool_.with([&](PostgresConnection& sql) {
    return sql.run(
        "SELECT id, event, subject, folder, reason, created_at FROM notifications "
        "WHERE notifier = $1 AND next_attempt <= $2 ORDER BY id LIMIT $3",
        {notifier, now, limit});
  });
  std::vector<Notification> batch;
  for (std::size_t r = 0; r < rows.size(); ++r)
    batch.push_back({rows.integer(r, 0), static_cast<NotificationEvent>(rows.integer(r, 1)),
                     rows.text(r, 2), rows.text(r, 3), rows.text(r, 4), rows.integer(r, 5)});
  return batch;
}

Millis PostgresNotificationOutbox::oldest_due(const std::string& notifier, Millis now) {
  return pool_.with([&](PostgresConnection& sql) {
    return sql
        .run("SELECT MIN(created_at) FROM notifications WHERE notifier = $1 AND next_attempt <= $2",
             {notifier, now})
        .integer(0, 0);  // NULL (none due) reads 0
  });
}

Millis PostgresNotificationOutbox::next_attempt(const std::string& notifier) {
  return pool_.with([&](PostgresConnection& sql) {
    return sql.run("SELECT MIN(next_attempt) FROM notifications WHERE notifier = $1", {notifier})
        .integer(0, 0);
  });
}

void PostgresNotificationOutbox::remove(const std::string& notifier,
                                        const std::vector<Notification>& sent) {
  if (sent.empty()) return;
  pool_.with([&](PostgresConnection& sql) {
    sql.run("DELETE FROM notifications WHERE notifier = $1 AND id = ANY($2::bigint[])",
            {notifier, id_array(sent)});
  });
}

void PostgresNotificationOutbox::postpone(const std::string& notifier,
                                          const std::vector<Notification>& batch, Millis until,
                                          const std::string& error) {
  if (batch.empty()) return;
  pool_.with([&](PostgresConnection& sql) {
    sql.run(
        "UPDATE notifications SET next_attempt = $2, attempts = attempts + 1, last_error = $3 "
        "WHERE notifier = $1 AND id = ANY($4::bigint[])",
        {notifier, until, error, id_array(batch)});
  });
}

std::int64_t PostgresNotificationOutbox::waiting(const std::string& notifier) {
  return pool_.with([&](PostgresConnection& sql) {
    return sql.run("SELECT COUNT(*) FROM notifications WHERE notifier = $1", {notifier})
        .integer(0, 0);
  });
}

std::size_t PostgresNotificationOutbox::drop_unsubscribed() {
  return pool_.transaction([&](PostgresConnection& sql) {
    const auto names = sql.run("SELECT DISTINCT notifier FROM notifications");
    std::vector<std::string> with_rows;
    for (std::size_t r = 0; r < names.size(); ++r) with_rows.push_back(names.text(r, 0));
    std::size_t dropped = 0;
    for (const auto& name : unsubscribed(with_rows))
      dropped += static_cast<std::size_t>(
          sql.run("DELETE FROM notifications WHERE notifier = $1", {name}).changed());
    return dropped;
  });
}

}  // namespace scanhook::core
