#include "scanhook/core/pipeline/dead_letters.hpp"

#include <sqlite3.h>

#include <algorithm>

#include "scanhook/core/notify/sqlite_notification_outbox.hpp"
#include "scanhook/core/store/row_reader.hpp"

namespace scanhook::core {

namespace {

// A column of name/value pairs as DeadLetterStore::pairs_json wrote it, or UnreadableRow.
HeaderList pairs_of(const RowReader& row, int column, const char* name) {
  auto pairs = DeadLetterStore::pairs_from_json(row.bytes(column, name));
  if (!pairs) throw UnreadableRow(name, "is not a JSON list of pairs: " + pairs.error().text());
  return std::move(pairs).value();
}

// Columns 0-6 of kHead. Header values and the error may hold any bytes (what was received).
DeadLetterHead read_head(const RowReader& row, SqlStatement& query) {
  return {query.integer(0),
          row.text(1, "source"),
          row.integer(2, "received_at"),
          pairs_of(row, 3, "headers"),
          pairs_of(row, 4, "query"),
          row.bytes(5, "error"),
          static_cast<int>(row.integer(6, "attempts"))};
}

constexpr const char* kHead = "SELECT id, source, received_at, headers, query, error, attempts";

// The size and first `max` bytes of letter `id`'s body (TEXT or BLOB), or
// UnreadableRow. Read through SQLite's incremental blob I/O, which reads only
// the pages holding those bytes: substr() would first load the whole body
// (10 MB of memory for a 10 MB body).
std::pair<std::int64_t, std::string> body_start(SqlConnection& sql, std::int64_t id,
                                                std::size_t max) {
  sqlite3_blob* blob = nullptr;
  const auto refused = [&] {
    const std::string why = sqlite3_errmsg(sql.handle());
    sqlite3_blob_close(blob);
    return UnreadableRow("body", "cannot be read: " + why);
  };
  if (sqlite3_blob_open(sql.handle(), "main", "dead_letters", "body", id, 0, &blob) != SQLITE_OK)
    throw refused();
  const int size = sqlite3_blob_bytes(blob);
  std::string start(std::min<std::size_t>(static_cast<std::size_t>(size), max), '\0');
  if (sqlite3_blob_read(blob, start.data(), static_cast<int>(start.size()), 0) != SQLITE_OK)
    throw refused();
  sqlite3_blob_close(blob);
  return {size, std::move(start)};
}

}  // namespace

DeadLetters::DeadLetters(Database& database, std::size_t max_count, std::size_t max_bytes)
    : database_(database), max_count_(max_count), max_bytes_(max_bytes) {}

std::optional<std::int64_t> DeadLetters::keep(const std::string& source, const HttpRequest& request,
                                              const std::string& error, Millis now) {
  if (request.body.size() > max_bytes_ || max_count_ == 0) return std::nullopt;
  return database_.write([&](SqlConnection& sql) {
    sql.prepare(
           "INSERT INTO dead_letters(source, received_at, headers, query, body, error) "
           "VALUES(?1, ?2, ?3, ?4, ?5, ?6)")
        .bind(1, source)
        .bind(2, now)
        .bind(3, DeadLetterStore::pairs_json(request.headers))
        .bind(4, DeadLetterStore::pairs_json(request.query))
        .bind_blob(5, request.body)
        .bind(6, error)
        .run();
    const std::int64_t id = sql.last_insert_id();
    // Oldest first, until both bounds hold; the new letter always fits.
    sql.prepare(
           "DELETE FROM dead_letters WHERE id IN (SELECT id FROM dead_letters ORDER BY id "
           "DESC LIMIT -1 OFFSET ?1)")
        .bind(1, static_cast<std::int64_t>(max_count_))
        .run();
    sql.prepare(R"sql(
        DELETE FROM dead_letters WHERE id IN (
          SELECT id FROM (SELECT id, SUM(length(body)) OVER (ORDER BY id DESC) AS total
                          FROM dead_letters)
          WHERE total > ?1))sql")
        .bind(1, static_cast<std::int64_t>(max_bytes_))
        .run();
    if (outbox_) outbox_->add(sql, NotificationEvent::dead_letter, source, "", error, now);
    return id;
  });
}

std::vector<ListedDeadLetter> DeadLetters::list(std::size_t limit, std::size_t offset) {
  return database_.read([&](SqlConnection& sql) {
    auto& query =
        sql.prepare(std::string(kHead) + " FROM dead_letters ORDER BY id DESC LIMIT ?1 OFFSET ?2");
    query.bind(1, static_cast<std::int64_t>(limit)).bind(2, static_cast<std::int64_t>(offset));
    std::vector<ListedDeadLetter> letters;
    while (query.step()) {
      try {
        const RowReader row(query);
        auto head = read_head(row, query);
        auto [bytes, start] = body_start(sql, head.id, kBodyStartBytes);
        letters.push_back({std::move(head), bytes, std::move(start)});
      } catch (const UnreadableRow& error) {
        unreadable_.skipped("dead_letters", query.integer(0), error.what());
      }
    }
    return letters;
  });
}

std::optional<DeadLetter> DeadLetters::find(std::int64_t id) {
  return database_.read([&](SqlConnection& sql) -> std::optional<DeadLetter> {
    auto& query = sql.prepare(std::string(kHead) + ", body FROM dead_letters WHERE id = ?1");
    query.bind(1, id);
    std::optional<DeadLetter> letter;
    try {
      if (query.step()) {
        const RowReader row(query);
        letter = DeadLetter{read_head(row, query), row.bytes(7, "body")};
      }
    } catch (const UnreadableRow& error) {
      unreadable_.skipped("dead_letters", id, error.what());
    }
    query.reset();
    return letter;
  });
}

bool DeadLetters::remove(std::int64_t id) {
  return database_.write([&](SqlConnection& sql) {
    sql.prepare("DELETE FROM dead_letters WHERE id = ?1").bind(1, id).run();
    return sql.changes() > 0;
  });
}

void DeadLetters::failed_again(std::int64_t id, const std::string& error) {
  database_.write([&](SqlConnection& sql) {
    sql.prepare("UPDATE dead_letters SET error = ?2, attempts = attempts + 1 WHERE id = ?1")
        .bind(1, id)
        .bind(2, error)
        .run();
  });
}

}  // namespace scanhook::core
