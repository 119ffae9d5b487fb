#include "scanhook/core/store/postgres_store.hpp"

#include "scanhook/core/store/postgres_schema.hpp"

namespace scanhook::core {

namespace {

PostgresPool& migrated(PostgresPool& pool) {
  pool.with([](PostgresConnection& sql) { migrate_postgres(sql); });
  return pool;
}

constexpr const char* kLetterHead =
    "SELECT id, source, received_at, headers, query, error, attempts, ";

// The heads (columns 0-6 of kLetterHead) of `rows`, each with its row; one
// whose pairs are not as pairs_json wrote them is left out and counted in
// `unreadable`.
template <class Each>
void heads_of(const PostgresRows& rows, UnreadableRows& unreadable, Each each) {
  for (std::size_t r = 0; r < rows.size(); ++r) {
    auto headers = DeadLetterStore::pairs_from_json(rows.text(r, 3));
    auto query = DeadLetterStore::pairs_from_json(rows.text(r, 4));
    if (!headers || !query) {
      unreadable.skipped(
          "dead_letters", rows.integer(r, 0),
          std::string(headers ? "query" : "headers") +
              " is not a JSON list of pairs: " + (headers ? query : headers).error().text());
      continue;
    }
    each(DeadLetterHead{rows.integer(r, 0), rows.text(r, 1), rows.integer(r, 2),
                        std::move(headers).value(), std::move(query).value(), rows.text(r, 5),
                        static_cast<int>(rows.integer(r, 6))},
         r);
  }
}

}  // namespace

PostgresStore::PostgresStore(const StoreSettings& settings)
    : pool_(settings.database, settings.password, kConnections),
      queue_(migrated(pool_), settings.instance, settings.minimum_age, settings.lease),
      dead_letters_(pool_, settings.dead_letter_count, settings.dead_letter_bytes),
      plugins_(pool_),
      expected_files_(pool_) {}

std::unique_ptr<NotificationOutbox> PostgresStore::open_outbox(
    std::vector<NotifierSubscription> subscribers) {
  auto outbox = std::make_unique<PostgresNotificationOutbox>(pool_, queue_, std::move(subscribers));
  if (outbox->has_subscribers()) {
    queue_.notify_into(outbox.get());
    dead_letters_.notify_into(outbox.get());
  }
  return outbox;
}

PostgresDeadLetters::PostgresDeadLetters(PostgresPool& pool, std::size_t max_count,
                                         std::size_t max_bytes)
    : pool_(pool), max_count_(max_count), max_bytes_(max_bytes) {}

std::optional<std::int64_t> PostgresDeadLetters::keep(const std::string& source,
                                                      const HttpRequest& request,
                                                      const std::string& error, Millis now) {
  if (request.body.size() > max_bytes_ || max_count_ == 0) return std::nullopt;
  return pool_.transaction([&](PostgresConnection& sql) {
    const std::int64_t id =
        sql.run(
               "INSERT INTO dead_letters(source, received_at, headers, query, body, error) "
               "VALUES($1, $2, $3, $4, $5, $6) RETURNING id",
               {source, now, pairs_json(request.headers), pairs_json(request.query),
                PostgresParam::bytes(request.body), error})
            .integer(0, 0);
    // Oldest first, until both bounds hold; the new letter always fits.
    sql.run(
        "DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY id DESC "
        "OFFSET $1)",
        {max_count_});
    sql.run(R"sql(
        DELETE FROM dead_letters WHERE id IN (
          SELECT id FROM (SELECT id, SUM(length(body)) OVER (ORDER BY id DESC) AS total
                          FROM dead_letters) AS sized
          WHERE total > $1))sql",
            {max_bytes_});
    if (outbox_) outbox_->add(sql, NotificationEvent::dead_letter, source, "", error, now);
    return std::optional<std::int64_t>(id);
  });
}

std::vector<ListedDeadLetter> PostgresDeadLetters::list(std::size_t limit, std::size_t offset) {
  const auto rows = pool_.with([&](PostgresConnection& sql) {
    return sql.run(std::string(kLetterHead) +
                       "octet_length(body), substring(body FROM 1 FOR $3) FROM dead_letters "
                       "ORDER BY id DESC LIMIT $1 OFFSET $2",
                   {limit, offset, kBodyStartBytes});
  });
  std::vector<ListedDeadLetter> letters;
  heads_of(rows, unreadable_, [&](DeadLetterHead head, std::size_t r) {
    letters.push_back({std::move(head), rows.integer(r, 7), rows.bytes(r, 8)});
  });
  return letters;
}

std::optional<DeadLetter> PostgresDeadLetters::find(std::int64_t id) {
  const auto rows = pool_.with([&](PostgresConnection& sql) {
    return sql.run(std::string(kLetterHead) + "body FROM dead_letters WHERE id = $1", {id});
  });
  std::optional<DeadLetter> letter;
  heads_of(rows, unreadable_, [&](DeadLetterHead head, std::size_t r) {
    letter = DeadLetter{std::move(head), rows.bytes(r, 7)};
  });
  return letter;
}

bool PostgresDeadLetters::remove(std::int64_t id) {
  return pool_.with([&](PostgresConnection& sql) {
    return sql.run("DELETE FROM dead_letters WHERE id = $1", {id}).changed() > 0;
  });
}

void PostgresDeadLetters::failed_again(std::int64_t id, const std::string& error) {
  pool_.with([&](PostgresConnection& sql) {
    sql.run("UPDATE dead_letters SET error = $2, attempts = attempts + 1 WHERE id = $1",
            {id, error});
  });
}

std::optional<std::string> PostgresPluginStore::load(const std::string& instance,
                                                     const std::string& key) {
  const auto row = pool_.with([&](PostgresConnection& sql) {
    return sql.run("SELECT value FROM plugin_store WHERE instance = $1 AND key = $2",
                   {instance, key});
  });
  if (row.size() == 0) return std::nullopt;
  return row.text(0, 0);
}

std::vector<std::string> PostgresPluginStore::keys(const std::string& instance,
                                                   const std::string& prefix) {
  const auto rows = pool_.with([&](PostgresConnection& sql) {
    // left(), not LIKE: a prefix may hold % or _.
    return sql.run(
        "SELECT key FROM plugin_store WHERE instance = $1 AND left(key, length($2)) = $2 "
        "ORDER BY key COLLATE \"C\"",
        {instance, prefix});
  });
  std::vector<std::string> found;
  for (std::size_t r = 0; r < rows.size(); ++r) found.push_back(rows.text(r, 0));
  return found;
}

void PostgresPluginStore::store_all(const std::string& instance,
                                    const std::vector<KeyValueChange>& changes) {
  pool_.transaction([&](PostgresConnection& sql) {
    for (const auto& [key, value] : changes) {
      if (value)
        sql.run(
            "INSERT INTO plugin_store(instance, key, value) VALUES($1, $2, $3) "
            "ON CONFLICT(instance, key) DO UPDATE SET value = excluded.value",
            {instance, key, *value});
      else
        sql.run("DELETE FROM plugin_store WHERE instance = $1 AND key = $2", {instance, key});
    }
  });
}

void PostgresExpectedFiles::add(const std::vector<FolderFile>& files, Millis now,
                                Millis forget_before) {
  pool_.transaction([&](PostgresConnection& sql) {
    sql.run("DELETE FROM expected_files WHERE named_at < $1", {forget_before});
    sql.run("DELETE FROM expected_files_had WHERE picked_at < $1", {forget_before});
    for (const auto& [folder, file] : files)
      sql.run(
          "INSERT INTO expected_files(folder, path, sha256, named_at) VALUES($1, $2, $3, $4) "
          "ON CONFLICT(folder, path) DO UPDATE SET sha256 = excluded.sha256, "
          "named_at = excluded.named_at",
          {folder, file.path, file.sha256, now});
  });
}

std::vector<ExpectedFile> PostgresExpectedFiles::of(const std::string& folder,
                                                    const std::string& target, Millis named_since) {
  const auto rows = pool_.with([&](PostgresConnection& sql) {
    return sql.run(
        "SELECT path, sha256 FROM expected_files WHERE folder = $1 AND named_at >= $3 AND "
        "named_at > coalesce((SELECT picked_at FROM expected_files_had WHERE folder = $1 AND "
        "target = $2), -1) ORDER BY named_at, path COLLATE \"C\"",
        {folder, target, named_since});
  });
  std::vector<ExpectedFile> files;
  for (std::size_t r = 0; r < rows.size(); ++r) files.push_back({rows.text(r, 0), rows.text(r, 1)});
  return files;
}

void PostgresExpectedFiles::delivered(const std::string& folder, const std::string& target,
                                      Millis picked_at) {
  pool_.with([&](PostgresConnection& sql) {
    sql.run(
        "INSERT INTO expected_files_had(folder, target, picked_at) "
        "SELECT $1::text, $2::text, $3::bigint WHERE EXISTS(SELECT 1 FROM expected_files WHERE "
        "folder = $1) "
        "ON CONFLICT(folder, target) DO UPDATE SET picked_at = "
        "greatest(expected_files_had.picked_at, excluded.picked_at)",
        {folder, target, picked_at});
  });
}

}  // namespace scanhook::core
