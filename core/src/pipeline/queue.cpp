#include "scanhook/core/pipeline/queue.hpp"

#include <algorithm>
#include <limits>

#include "scanhook/core/notify/sqlite_notification_outbox.hpp"
#include "scanhook/core/store/row_reader.hpp"

namespace scanhook::core {

Millis now_millis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Queue::Queue(Database& database, std::chrono::milliseconds minimum_age)
    // Beside the file itself, whatever symbolic link led to it.
    : lock_(std::filesystem::canonical(database.file()).string() + "-queue.lock",
            "the queue in " + database.file().string() +
                " is in use by another scanhookd: stop it, or give this one another database"),
      database_(database),
      minimum_age_(minimum_age) {
  const std::string age = std::to_string(minimum_age.count());
  database_.write([&](SqlConnection& sql) {
    auto& stored = sql.prepare("SELECT value FROM meta WHERE key = 'minimum_age'");
    const std::string before = stored.step() ? stored.text(0) : "";
    stored.reset();
    if (before == age) return;
    sql.prepare(
           "UPDATE deliveries SET due_at = MAX((SELECT last_event FROM folders WHERE id = "
           "folder_id) + ?1, next_attempt)")
        .bind(1, minimum_age.count())
        .run();
    sql.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES('minimum_age', ?1)")
        .bind(1, age)
        .run();
  });
  database_.read([&](SqlConnection& sql) {
    auto& folders = sql.prepare("SELECT id, path FROM folders");
    while (folders.step()) index_.add(FolderIndex::hash(folders.text(1)), folders.integer(0));
  });
  index_.committed();
  database_.watch_transactions(&index_);
}

Queue::~Queue() {
  database_.watch_transactions(nullptr);
}

std::optional<Queue::FolderRow> Queue::merge_into_queued(SqlConnection& sql,
                                                         const QueuedEvent& event, Millis now,
                                                         std::uint64_t hash) {
  std::optional<FolderRow> row;
  index_.find(hash, [&](std::int64_t id) {
    auto& merge = sql.prepare(R"sql(
        UPDATE folders SET
          kind = CASE WHEN kind = ?3 THEN kind ELSE ?4 END,
          priority = MAX(priority, ?5),
          source = ?6,
          last_event = ?7,
          events = events + 1,
          generation = generation + 1
        WHERE id = ?1 AND path = ?2
        RETURNING priority, generation)sql");
    merge.bind(1, id)
        .bind(2, event.folder)
        .bind(3, static_cast<std::int64_t>(event.kind))
        .bind(4, static_cast<std::int64_t>(EventKind::modified))
        .bind(5, static_cast<std::int64_t>(event.priority))
        .bind(6, event.source)
        .bind(7, now);
    if (!merge.step()) return false;  // another path with the same hash
    row = FolderRow{id, merge.integer(0), merge.integer(1)};
    merge.run();
    return true;
  });
  return row;
}

Queue::FolderRow Queue::add_folder(SqlConnection& sql, const QueuedEvent& event, Millis now,
                                   std::uint64_t hash) {
  sql.prepare(R"sql(
      INSERT INTO folders(path, kind, priority, source, first_event, last_event, events,
                          generation)
      VALUES(?1, ?2, ?3, ?4, ?5, ?5, 1, 1))sql")
      .bind(1, event.folder)
      .bind(2, static_cast<std::int64_t>(event.kind))
      .bind(3, static_cast<std::int64_t>(event.priority))
      .bind(4, event.source)
      .bind(5, now)
      .run();
  const std::int64_t id = sql.last_insert_id();
  index_.add(hash, id);
  return {id, event.priority, 1};
}

Enqueued Queue::enqueue(SqlConnection& sql, const QueuedEvent& event, Millis now) {
  const std::uint64_t hash = FolderIndex::hash(event.folder);
  const auto merged = merge_into_queued(sql, event, now, hash);
  const auto [id, priority, generation] = merged ? *merged : add_folder(sql, event, now, hash);

  const Millis due_at = now + minimum_age_.count();
  if (merged)  // the debounce clock restarts for every target that still owes it
    sql.prepare(
           "UPDATE deliveries SET priority = ?2, due_at = MAX(?3, next_attempt) "
           "WHERE folder_id = ?1")
        .bind(1, id)
        .bind(2, priority)
        .bind(3, due_at)
        .run();
  auto& deliver = sql.prepare(R"sql(
      INSERT INTO deliveries(folder_id, target, generation, priority, due_at)
      VALUES(?1, ?2, ?3, ?4, ?5)
      ON CONFLICT(folder_id, target) DO UPDATE SET
        generation = excluded.generation,
        priority = excluded.priority,
        due_at = MAX(excluded.due_at, next_attempt))sql");
  for (const auto& target : event.targets) {
    deliver.reset();
    deliver.bind(1, id).bind(2, target).bind(3, generation).bind(4, priority).bind(5, due_at).run();
  }
  return merged ? Enqueued::merged : Enqueued::added;
}

std::vector<Enqueued> Queue::add_events(const std::vector<QueuedEvent>& events,
                                        const std::vector<DroppedEvent>& dropped, Millis now) {
  return database_.write_unsynced([&](SqlConnection& sql) {
    std::vector<Enqueued> outcomes;
    outcomes.reserve(events.size());
    for (const auto& event : events) outcomes.push_back(enqueue(sql, event, now));
    for (const auto& row : dropped) record_dropped(sql, row, now);
    return outcomes;
  });
}

std::vector<DueFolder> Queue::due(const std::string& target, Millis now, std::size_t limit,
                                  const std::vector<std::string>& blocking) {
  // One index range of deliveries_due(target, priority, due_at) per priority
  // level, highest first: a single query ordered by priority would walk every
  // not-yet-due row of the higher levels, so an idle target's look (each
  // commit, each idle_interval) would grow with the queue.
  std::string sql_text = R"sql(
      SELECT d.folder_id, f.path, f.kind, d.priority, d.generation, d.attempts, f.first_event
      FROM deliveries d JOIN folders f ON f.id = d.folder_id
      WHERE d.target = ?1 AND d.priority = ?4 AND d.due_at <= ?2)sql";
  if (!blocking.empty()) {
    sql_text +=
        " AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.folder_id = d.folder_id AND "
        "p.target IN (";
    for (std::size_t i = 0; i < blocking.size(); ++i)
      sql_text += (i ? ", ?" : "?") + std::to_string(i + 5);
    sql_text += "))";
  }
  sql_text += " ORDER BY d.due_at LIMIT ?3";
  return database_.read([&](SqlConnection& sql) {
    std::vector<DueFolder> found;
    auto& query = sql.prepare(sql_text);
    std::int64_t below = std::numeric_limits<std::int64_t>::max();
    while (found.size() < limit) {
      const auto level = next_priority(sql, target, below);
      if (!level) break;
      below = *level;
      query.reset();
      query.bind(1, target)
          .bind(2, now)
          .bind(3, static_cast<std::int64_t>(limit - found.size()))
          .bind(4, below);
      for (std::size_t i = 0; i < blocking.size(); ++i)
        query.bind(static_cast<int>(i + 5), blocking[i]);
      while (query.step())
        found.push_back({query.integer(0), query.text(1), static_cast<EventKind>(query.integer(2)),
                         static_cast<int>(query.integer(3)), query.integer(4),
                         static_cast<int>(query.integer(5)), query.integer(6), ""});
    }
    query.reset();
    return found;
  });
}

std::optional<std::int64_t> Queue::next_priority(SqlConnection& sql, const std::string& target,
                                                 std::int64_t below) {
  auto& query = sql.prepare(
      "SELECT priority FROM deliveries WHERE target = ?1 AND priority < ?2 "
      "ORDER BY priority DESC LIMIT 1");
  query.bind(1, target).bind(2, below);
  std::optional<std::int64_t> level;
  if (query.step()) level = query.integer(0);
  query.reset();
  return level;
}

void Queue::record(SqlConnection& sql, const Delivery& delivery) {
  const auto& folder = delivery.folder;
  const auto& result = delivery.result;
  switch (result.status) {
    case Status::retry:
      sql.prepare(
             "UPDATE deliveries SET attempts = attempts + 1, next_attempt = ?3, "
             "due_at = MAX(due_at, ?3), last_error = ?4 WHERE folder_id = ?1 AND target = ?2")
          .bind(1, folder.folder_id)
          .bind(2, delivery.target)
          .bind(3, delivery.retry_at)
          .bind(4, result.reason)
          .run();
      return;
    case Status::unavailable:
      sql.prepare("UPDATE deliveries SET last_error = ?3 WHERE folder_id = ?1 AND target = ?2")
          .bind(1, folder.folder_id)
          .bind(2, delivery.target)
          .bind(3, result.reason)
          .run();
      return;
    case Status::ok:
    case Status::rejected: break;
  }
  sql.prepare("DELETE FROM deliveries WHERE folder_id = ?1 AND target = ?2 AND generation = ?3")
      .bind(1, folder.folder_id)
      .bind(2, delivery.target)
      .bind(3, folder.generation)
      .run();
  if (sql.changes() == 0)  // a newer event arrived while this scan ran: it stays, afresh
    sql.prepare(
           "UPDATE deliveries SET attempts = 0, next_attempt = 0, last_error = '' "
           "WHERE folder_id = ?1 AND target = ?2")
        .bind(1, folder.folder_id)
        .bind(2, delivery.target)
        .run();
  sql.prepare(R"sql(
      INSERT INTO history(folder, target, target_path, outcome, attempts, queued_at, finished_at,
                          duration_ms, reason, config, source)
      VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10,
             coalesce((SELECT source FROM folders WHERE id = ?11), '')))sql")
      .bind(1, folder.path)
      .bind(2, delivery.target)
      .bind(3, delivery.target_path)
      .bind(4, std::string(status_name(result.status)))
      .bind(5, static_cast<std::int64_t>(folder.attempts + 1))
      .bind(6, folder.first_event)
      .bind(7, delivery.finished)
      .bind(8, delivery.finished - delivery.started)
      .bind(9, result.reason)
      .bind(10, delivery.config)
      .bind(11, folder.folder_id)
      .run();
  sql.prepare(
         "DELETE FROM folders WHERE id = ?1 AND NOT EXISTS "
         "(SELECT 1 FROM deliveries WHERE folder_id = ?1)")
      .bind(1, folder.folder_id)
      .run();
  if (sql.changes() > 0) index_.remove(FolderIndex::hash(folder.path), folder.folder_id);
}

void Queue::record(const std::vector<Delivery>& deliveries) {
  database_.write_unsynced([&](SqlConnection& sql) {
    for (const auto& delivery : deliveries) {
      record(sql, delivery);
      if (!outbox_) continue;
      if (delivery.result.status == Status::ok)
        outbox_->add(sql, NotificationEvent::delivered, delivery.target, delivery.target_path, "",
                     delivery.finished);
      else if (delivery.result.status == Status::rejected)
        outbox_->add(sql, NotificationEvent::rejected, delivery.target, delivery.target_path,
                     delivery.result.reason, delivery.finished);
    }
  });
}

Retried Queue::retry(std::int64_t history_id, const std::string& source, Millis now) {
  return database_.write([&](SqlConnection& sql) {
    auto& row = sql.prepare("SELECT folder, target, outcome FROM history WHERE id = ?1");
    row.bind(1, history_id);
    if (!row.step()) {
      row.reset();
      return Retried::not_found;
    }
    const std::string folder = row.text(0);
    const std::string target = row.text(1);
    const bool rejected = row.text(2) == status_name(Status::rejected);
    row.reset();
    if (!rejected) return Retried::not_rejected;
    enqueue(sql, {folder, EventKind::modified, 0, source, {target}}, now);
    sql.prepare("UPDATE history SET retried_at = ?2 WHERE id = ?1")
        .bind(1, history_id)
        .bind(2, now)
        .run();
    return Retried::requeued;
  });
}

std::optional<std::string> Queue::history_target(std::int64_t history_id) {
  return database_.read([&](SqlConnection& sql) {
    auto& query = sql.prepare("SELECT target FROM history WHERE id = ?1");
    query.bind(1, history_id);
    const auto target = query.step() ? std::optional<std::string>(query.text(0)) : std::nullopt;
    query.reset();
    return target;
  });
}

void Queue::record_dropped(SqlConnection& sql, const DroppedEvent& dropped, Millis now) {
  sql.prepare(R"sql(
      INSERT INTO history(folder, target, target_path, outcome, attempts, queued_at, finished_at,
                          duration_ms, reason, source)
      VALUES(?1, ?2, ?3, ?6, 0, ?4, ?4, 0, ?5, ?7))sql")
      .bind(1, dropped.folder)
      .bind(2, dropped.target)
      .bind(3, dropped.target_path)
      .bind(4, now)
      .bind(5, dropped.reason)
      .bind(6, dropped.outcome)
      .bind(7, dropped.source)
      .run();
}

std::map<std::string, std::size_t> Queue::drop_targets_except(
    const std::set<std::string>& configured, Millis now) {
  return database_.write([&](SqlConnection& sql) {
    auto& query = sql.prepare("SELECT DISTINCT target FROM deliveries");
    std::vector<std::string> targets;
    while (query.step()) targets.push_back(query.text(0));
    std::map<std::string, std::size_t> dropped;
    for (const auto& target : targets) {
      if (configured.count(target)) continue;
      sql.prepare(R"sql(
          INSERT INTO history(folder, target, target_path, outcome, attempts, queued_at,
                              finished_at, duration_ms, reason, source)
          SELECT f.path, d.target, f.path, 'dropped', d.attempts, f.first_event, ?2, 0,
                 'the target is no longer configured', f.source
          FROM deliveries d JOIN folders f ON f.id = d.folder_id WHERE d.target = ?1)sql")
          .bind(1, target)
          .bind(2, now)
          .run();
      sql.prepare("DELETE FROM deliveries WHERE target = ?1").bind(1, target).run();
      dropped[target] = static_cast<std::size_t>(sql.changes());
    }
    auto& orphans = sql.prepare(
        "DELETE FROM folders WHERE NOT EXISTS "
        "(SELECT 1 FROM deliveries WHERE folder_id = folders.id) RETURNING id, path");
    while (orphans.step()) index_.remove(FolderIndex::hash(orphans.text(1)), orphans.integer(0));
    return dropped;
  });
}

std::size_t Queue::prune_history(Millis before) {
  return database_.write([&](SqlConnection& sql) {
    sql.prepare("DELETE FROM history WHERE finished_at < ?1").bind(1, before).run();
    return static_cast<std::size_t>(sql.changes());
  });
}

std::int64_t Queue::folder_count() {
  return database_.read(
      [](SqlConnection& sql) { return sql.scalar("SELECT COUNT(*) FROM folders"); });
}

std::int64_t Queue::delivery_count(const std::string& target) {
  return database_.read([&](SqlConnection& sql) {
    auto& query = sql.prepare("SELECT COUNT(*) FROM deliveries WHERE target = ?1");
    query.bind(1, target);
    const std::int64_t count = query.step() ? query.integer(0) : 0;
    query.reset();
    return count;
  });
}

// The earliest due_at of each (target, priority) range of deliveries_due, one
// index seek each: a MIN over the table read every row (38 ms at 1M rows, on
// every scrape of /metrics).
Millis Queue::oldest_due(Millis now) {
  return database_.read([&](SqlConnection& sql) {
    auto& next_target =
        sql.prepare("SELECT target FROM deliveries WHERE target > ?1 ORDER BY target LIMIT 1");
    auto& earliest =
        sql.prepare("SELECT MIN(due_at) FROM deliveries WHERE target = ?1 AND priority = ?2");
    std::optional<Millis> oldest;
    std::string target;
    for (;;) {
      next_target.reset();
      next_target.bind(1, target);
      if (!next_target.step()) break;
      target = next_target.text(0);
      std::int64_t below = std::numeric_limits<std::int64_t>::max();
      while (const auto level = next_priority(sql, target, below)) {
        below = *level;
        earliest.reset();
        earliest.bind(1, target).bind(2, *level);
        if (earliest.step() && !earliest.is_null(0) && earliest.integer(0) <= now)
          oldest = std::min(oldest.value_or(earliest.integer(0)), earliest.integer(0));
      }
    }
    next_target.reset();
    earliest.reset();
    return oldest.value_or(0);
  });
}

std::vector<QueuedFolder> Queue::list(std::size_t limit, std::size_t offset) {
  return database_.read([&](SqlConnection& sql) {
    std::vector<std::int64_t> ids;
    std::vector<QueuedFolder> folders;
    auto& query = sql.prepare(
        "SELECT id, path, kind, priority, source, first_event, last_event, events FROM folders "
        "ORDER BY id LIMIT ?1 OFFSET ?2");
    query.bind(1, static_cast<std::int64_t>(limit)).bind(2, static_cast<std::int64_t>(offset));
    while (query.step()) {
      const RowReader row(query);
      try {
        folders.push_back({row.text(1, "path"),
                           static_cast<EventKind>(row.integer_in(
                               2, "kind", 0, static_cast<std::int64_t>(EventKind::deleted))),
                           static_cast<int>(row.integer(3, "priority")),
                           row.text(4, "source"),
                           row.integer(5, "first_event"),
                           row.integer(6, "last_event"),
                           static_cast<int>(row.integer(7, "events")),
                           {}});
        ids.push_back(query.integer(0));
      } catch (const UnreadableRow& error) {
        unreadable_.skipped("folders", query.integer(0), error.what());
      }
    }
    auto& deliveries = sql.prepare(
        "SELECT target, attempts, due_at, next_attempt, last_error FROM deliveries "
        "WHERE folder_id = ?1 ORDER BY target");
    for (std::size_t i = 0; i < ids.size(); ++i) {
      deliveries.reset();
      deliveries.bind(1, ids[i]);
      while (deliveries.step()) {
        const RowReader row(deliveries);
        try {
          folders[i].deliveries.push_back({row.text(0, "target"),
                                           static_cast<int>(row.integer(1, "attempts")),
                                           row.integer(2, "due_at"), row.integer(3, "next_attempt"),
                                           row.text(4, "last_error")});
        } catch (const UnreadableRow& error) {
          unreadable_.skipped("deliveries", ids[i], error.what());
        }
      }
    }
    return folders;
  });
}

namespace {

// The WHERE of a HistoryFilter, its values bound from ?3 on (?1, ?2: the page).
constexpr const char* kHistoryWhere =
    " WHERE (?3 = '' OR target = ?3) AND (?4 = '' OR source = ?4) AND (?5 = '' OR outcome = ?5)"
    " AND (?6 = '' OR instr(lower(folder), lower(?6)) > 0"
    " OR instr(lower(target_path), lower(?6)) > 0)"
    // Bounds only when given, so a row whose time cannot be read still reaches
    // the reader (and is counted as unreadable) in an unfiltered listing.
    " AND (?7 = 0 OR finished_at >= ?7)"
    " AND (?8 = 9223372036854775807 OR finished_at < ?8)";

void bind_filter(SqlStatement& query, const HistoryFilter& filter) {
  query.bind(3, filter.target)
      .bind(4, filter.source)
      .bind(5, filter.outcome)
      .bind(6, filter.path)
      .bind(7, filter.finished_from)
      .bind(8, filter.finished_before);
}

}  // namespace

std::vector<HistoryEntry> Queue::history(std::size_t limit, std::size_t offset,
                                         const HistoryFilter& filter) {
  return database_.read([&](SqlConnection& sql) {
    auto& query = sql.prepare(
        std::string("SELECT id, folder, target, target_path, outcome, attempts, queued_at, "
                    "finished_at, duration_ms, reason, config, retried_at, source FROM history") +
        kHistoryWhere + " ORDER BY id DESC LIMIT ?1 OFFSET ?2");
    query.bind(1, static_cast<std::int64_t>(limit)).bind(2, static_cast<std::int64_t>(offset));
    bind_filter(query, filter);
    std::vector<HistoryEntry> entries;
    while (query.step()) {
      const RowReader row(query);
      try {
        entries.push_back(
            {query.integer(0), row.text(1, "folder"), row.text(2, "target"),
             row.text(3, "target_path"), row.text(4, "outcome"),
             static_cast<int>(row.integer(5, "attempts")), row.integer(6, "queued_at"),
             row.integer(7, "finished_at"), row.integer(8, "duration_ms"), row.text(9, "reason"),
             row.text(10, "config"), row.integer(11, "retried_at"), "", row.text(12, "source")});
      } catch (const UnreadableRow& error) {
        unreadable_.skipped("history", query.integer(0), error.what());
      }
    }
    return entries;
  });
}

std::int64_t Queue::history_count(const HistoryFilter& filter) {
  return database_.read([&](SqlConnection& sql) {
    // ?1 and ?2 (the page) go unused here: SQLite allows gaps in numbered parameters.
    auto& query = sql.prepare(std::string("SELECT count(*) FROM history") + kHistoryWhere);
    bind_filter(query, filter);
    const std::int64_t count = query.step() ? query.integer(0) : 0;
    query.reset();
    return count;
  });
}

}  // namespace scanhook::core
