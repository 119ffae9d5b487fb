#include "scanhook/core/store/postgres_queue.hpp"

#include <Poco/Logger.h>
#include <poll.h>

#include <algorithm>

#include "scanhook/core/notify/postgres_notification_outbox.hpp"

namespace scanhook::core {

namespace {

constexpr const char* kChannel = "scanhook_events";

constexpr const char* kHistoryInsert = R"sql(
    INSERT INTO history(folder, target, target_path, outcome, attempts, queued_at, finished_at,
                        duration_ms, reason, config, instance, source)
    VALUES($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11,
           coalesce((SELECT source FROM folders WHERE id = $12), '')))sql";

// ASCII-only lower case, as SQLite's lower() (PostgreSQL's follows the locale).
std::string ascii_lower(const std::string& value) {
  return "translate(" + value + ", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz')";
}

// The WHERE of a HistoryFilter, its values bound as $1..$6 (history_params).
const std::string& history_where() {
  static const std::string where =
      " WHERE ($1 = '' OR target = $1) AND ($2 = '' OR source = $2) AND ($3 = '' OR outcome = $3)"
      " AND ($4 = '' OR strpos(" +
      ascii_lower("folder") + ", " + ascii_lower("$4") +
      ") > 0"
      " OR strpos(" +
      ascii_lower("target_path") + ", " + ascii_lower("$4") +
      ") > 0)"
      " AND finished_at >= $5::bigint AND finished_at < $6::bigint";
  return where;
}

std::vector<PostgresParam> history_params(const HistoryFilter& filter) {
  return {filter.target, filter.source,        filter.outcome,
          filter.path,   filter.finished_from, filter.finished_before};
}

}  // namespace

PostgresQueue::PostgresQueue(PostgresPool& pool, std::string instance,
                             std::chrono::milliseconds minimum_age, std::chrono::milliseconds lease)
    : pool_(pool), instance_(std::move(instance)), minimum_age_(minimum_age), lease_(lease) {
  const std::string age = std::to_string(minimum_age.count());
  write([&](PostgresConnection& sql) {
    const auto stored = sql.run("SELECT value FROM meta WHERE key = 'minimum_age' FOR UPDATE");
    if (stored.size() && stored.text(0, 0) == age) return false;
    sql.run(
        "UPDATE deliveries d SET due_at = GREATEST(f.last_event + $1, d.next_attempt) "
        "FROM folders f WHERE f.id = d.folder_id",
        {minimum_age.count()});
    sql.run(
        "INSERT INTO meta(key, value) VALUES('minimum_age', $1) "
        "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
        {age});
    return true;
  });
}

PostgresQueue::~PostgresQueue() {
  stopping_ = true;
  if (listener_.joinable()) listener_.join();
}

Enqueued PostgresQueue::enqueue(PostgresConnection& sql, const QueuedEvent& event, Millis now) {
  // A folder's first event makes generation 1; each merge adds one.
  const auto row = sql.run(R"sql(
      INSERT INTO folders(path, kind, priority, source, first_event, last_event, events,
                          generation)
      VALUES($1, $2, $3, $4, $5, $5, 1, 1)
      ON CONFLICT(path) DO UPDATE SET
        kind = CASE WHEN folders.kind = excluded.kind THEN folders.kind ELSE $6 END,
        priority = GREATEST(folders.priority, excluded.priority),
        source = excluded.source,
        last_event = excluded.last_event,
        events = folders.events + 1,
        generation = folders.generation + 1
      RETURNING id, priority, generation)sql",
                           {event.folder, static_cast<int>(event.kind), event.priority,
                            event.source, now, static_cast<int>(EventKind::modified)});
  const std::int64_t id = row.integer(0, 0);
  const std::int64_t priority = row.integer(0, 1);
  const std::int64_t generation = row.integer(0, 2);
  const bool merged = generation > 1;
  const Millis due_at = now + minimum_age_.count();
  if (merged)  // the debounce clock restarts for every target that still owes it
    sql.run(
        "UPDATE deliveries SET priority = $2, due_at = GREATEST($3, next_attempt) "
        "WHERE folder_id = $1",
        {id, priority, due_at});
  for (const auto& target : event.targets)
    sql.run(R"sql(
        INSERT INTO deliveries(folder_id, target, generation, priority, due_at)
        VALUES($1, $2, $3, $4, $5)
        ON CONFLICT(folder_id, target) DO UPDATE SET
          generation = excluded.generation,
          priority = excluded.priority,
          due_at = GREATEST(excluded.due_at, deliveries.next_attempt))sql",
            {id, target, generation, priority, due_at});
  return merged ? Enqueued::merged : Enqueued::added;
}

std::vector<Enqueued> PostgresQueue::add_events(const std::vector<QueuedEvent>& events,
                                                const std::vector<DroppedEvent>& dropped,
                                                Millis now) {
  // Folders locked in path order: two instances' batches sharing folders
  // then wait for each other instead of deadlocking.
  std::vector<std::size_t> order(events.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return events[a].folder < events[b].folder;
  });
  return write([&](PostgresConnection& sql) {
    std::vector<Enqueued> outcomes(events.size());
    for (const std::size_t i : order) outcomes[i] = enqueue(sql, events[i], now);
    for (const auto& row : dropped)
      sql.run(R"sql(
          INSERT INTO history(folder, target, target_path, outcome, attempts, queued_at,
                              finished_at, duration_ms, reason, instance, source)
          VALUES($1, $2, $3, $4, 0, $5, $5, 0, $6, $7, $8))sql",
              {row.folder, row.target, row.target_path, row.outcome, now, row.reason, instance_,
               row.source});
    // Delivered to the listeners at the commit.
    if (!events.empty()) sql.run("SELECT pg_notify($1, $2)", {kChannel, instance_});
    return outcomes;
  });
}

std::vector<DueFolder> PostgresQueue::due(const std::string& target, Millis now, std::size_t limit,
                                          const std::vector<std::string>& blocking) {
  std::string blocked;
  if (!blocking.empty())
    blocked =
        " AND NOT EXISTS (SELECT 1 FROM deliveries p WHERE p.folder_id = d.folder_id AND "
        "p.target = ANY($6::text[]))";
  const std::string text = R"sql(
      WITH picked AS (
        SELECT d.folder_id, d.leased_by AS held_by, d.sending_since AS held_sending
        FROM deliveries d
        WHERE d.target = $1 AND d.due_at <= $2 AND (d.lease_until <= $2 OR d.leased_by = $4))sql" +
                           blocked + R"sql(
        ORDER BY d.priority DESC, d.due_at LIMIT $3
        FOR UPDATE OF d SKIP LOCKED)
      UPDATE deliveries d SET leased_by = $4, lease_until = $2::bigint + $5::bigint,
                              sending_since = 0
      FROM picked, folders f
      WHERE d.folder_id = picked.folder_id AND d.target = $1 AND f.id = d.folder_id
      RETURNING d.folder_id, f.path, f.kind, d.priority, d.generation, d.attempts, f.first_event,
                d.due_at, CASE WHEN picked.held_sending > 0 THEN picked.held_by ELSE '' END)sql";
  std::vector<PostgresParam> params = {target, now, limit, instance_, lease_.count()};
  if (!blocking.empty()) params.emplace_back(postgres_text_array(blocking));
  const auto rows = write([&](PostgresConnection& sql) { return sql.run(text, params); });
  std::vector<std::pair<Millis, DueFolder>> found;
  for (std::size_t r = 0; r < rows.size(); ++r)
    found.push_back(
        {rows.integer(r, 7),
         {rows.integer(r, 0), rows.text(r, 1), static_cast<EventKind>(rows.integer(r, 2)),
          static_cast<int>(rows.integer(r, 3)), rows.integer(r, 4),
          static_cast<int>(rows.integer(r, 5)), rows.integer(r, 6), rows.text(r, 8)}});
  std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) {
    if (a.second.priority != b.second.priority) return a.second.priority > b.second.priority;
    return a.first < b.first;
  });
  std::vector<DueFolder> folders;
  for (auto& [due_at, folder] : found) folders.push_back(std::move(folder));
  return folders;
}

void PostgresQueue::keep_in_flight(const std::string& target, const std::vector<DueFolder>& folders,
                                   Millis now) {
  if (folders.empty()) return;
  std::vector<std::string> ids;
  for (const auto& folder : folders) ids.push_back(std::to_string(folder.folder_id));
  write([&](PostgresConnection& sql) {
    sql.run(
        "UPDATE deliveries SET sending_since = CASE WHEN sending_since = 0 THEN $3 "
        "ELSE sending_since END, lease_until = $3::bigint + $5::bigint "
        "WHERE target = $1 AND folder_id = ANY($2::bigint[]) AND leased_by = $4",
        {target, postgres_text_array(ids), now, instance_, lease_.count()});
    return true;
  });
}

void PostgresQueue::record(const std::vector<Delivery>& deliveries) {
  if (deliveries.empty()) return;
  std::vector<std::string> ids;
  for (const auto& delivery : deliveries) ids.push_back(std::to_string(delivery.folder.folder_id));
  write([&](PostgresConnection& sql) {
    // The folders first, in id order, as enqueue locks a folder before its
    // deliveries: a concurrent event for one of them waits, and the check
    // below whether anything is still owed sees its delivery.
    sql.run("SELECT id FROM folders WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE",
            {postgres_text_array(ids)});
    for (const auto& delivery : deliveries) {
      const auto& folder = delivery.folder;
      const auto& result = delivery.result;
      const PostgresParam id = folder.folder_id;
      if (result.status == Status::retry) {
        sql.run(
            "UPDATE deliveries SET attempts = attempts + 1, next_attempt = $3, "
            "due_at = GREATEST(due_at, $3), last_error = $4, leased_by = '', lease_until = 0, "
            "sending_since = 0 "
            "WHERE folder_id = $1 AND target = $2",
            {id, delivery.target, delivery.retry_at, result.reason});
        continue;
      }
      if (result.status == Status::unavailable) {
        // The lease stays: the others learn of the outage from the shared
        // pause, not by trying this folder again; this instance takes it up
        // when its probe succeeds (or another does, once the lease expired).
        sql.run(
            "UPDATE deliveries SET last_error = $3, sending_since = 0 "
            "WHERE folder_id = $1 AND target = $2",
            {id, delivery.target, result.reason});
        continue;
      }
      const auto removed =
          sql.run("DELETE FROM deliveries WHERE folder_id = $1 AND target = $2 AND generation = $3",
                  {id, delivery.target, folder.generation});
      if (removed.changed() == 0)  // a newer event arrived while this scan ran: it stays, afresh
        sql.run(
            "UPDATE deliveries SET attempts = 0, next_attempt = 0, last_error = '', "
            "leased_by = '', lease_until = 0, sending_since = 0 "
            "WHERE folder_id = $1 AND target = $2",
            {id, delivery.target});
      sql.run(kHistoryInsert,
              {folder.path, delivery.target, delivery.target_path,
               std::string(status_name(result.status)), folder.attempts + 1, folder.first_event,
               delivery.finished, delivery.finished - delivery.started, result.reason,
               delivery.config, instance_, id});
      sql.run(
          "DELETE FROM folders WHERE id = $1 AND NOT EXISTS "
          "(SELECT 1 FROM deliveries WHERE folder_id = $1)",
          {id});
      if (!outbox_) continue;
      if (result.status == Status::ok)
        outbox_->add(sql, NotificationEvent::delivered, delivery.target, delivery.target_path, "",
                     delivery.finished);
      else if (result.status == Status::rejected)
        outbox_->add(sql, NotificationEvent::rejected, delivery.target, delivery.target_path,
                     result.reason, delivery.finished);
    }
    return true;
  });
}

Retried PostgresQueue::retry(std::int64_t history_id, const std::string& source, Millis now) {
  return write([&](PostgresConnection& sql) {
    const auto row = sql.run("SELECT folder, target, outcome FROM history WHERE id = $1 FOR UPDATE",
                             {history_id});
    if (row.size() == 0) return Retried::not_found;
    if (row.text(0, 2) != status_name(Status::rejected)) return Retried::not_rejected;
    enqueue(sql, {row.text(0, 0), EventKind::modified, 0, source, {row.text(0, 1)}}, now);
    sql.run("UPDATE history SET retried_at = $2 WHERE id = $1", {history_id, now});
    sql.run("SELECT pg_notify($1, $2)", {kChannel, instance_});
    return Retried::requeued;
  });
}

std::optional<std::string> PostgresQueue::history_target(std::int64_t history_id) {
  const auto row = pool_.with([&](PostgresConnection& sql) {
    return sql.run("SELECT target FROM history WHERE id = $1", {history_id});
  });
  if (!row.size()) return std::nullopt;
  return row.text(0, 0);
}

std::map<std::string, std::size_t> PostgresQueue::drop_targets_except(
    const std::set<std::string>& configured, Millis now) {
  const std::vector<std::string> kept(configured.begin(), configured.end());
  return write([&](PostgresConnection& sql) {
    const auto array = postgres_text_array(kept);
    sql.run(R"sql(
        INSERT INTO history(folder, target, target_path, outcome, attempts, queued_at,
                            finished_at, duration_ms, reason, instance, source)
        SELECT f.path, d.target, f.path, 'dropped', d.attempts, f.first_event, $2, 0,
               'the target is no longer configured', $3, f.source
        FROM deliveries d JOIN folders f ON f.id = d.folder_id
        WHERE NOT (d.target = ANY($1::text[])))sql",
            {array, now, instance_});
    const auto deleted = sql.run(
        "DELETE FROM deliveries WHERE NOT (target = ANY($1::text[])) RETURNING target", {array});
    sql.run(
        "DELETE FROM folders WHERE NOT EXISTS "
        "(SELECT 1 FROM deliveries WHERE folder_id = folders.id)");
    std::map<std::string, std::size_t> dropped;
    for (std::size_t row = 0; row < deleted.size(); ++row) ++dropped[deleted.text(row, 0)];
    return dropped;
  });
}

std::size_t PostgresQueue::prune_history(Millis before) {
  return write([&](PostgresConnection& sql) {
    return static_cast<std::size_t>(
        sql.run("DELETE FROM history WHERE finished_at < $1", {before}).changed());
  });
}

std::int64_t PostgresQueue::folder_count() {
  return pool_.with([](PostgresConnection& sql) {
    return sql.run("SELECT COUNT(*) FROM folders").integer(0, 0);
  });
}

std::int64_t PostgresQueue::delivery_count(const std::string& target) {
  return pool_.with([&](PostgresConnection& sql) {
    return sql.run("SELECT COUNT(*) FROM deliveries WHERE target = $1", {target}).integer(0, 0);
  });
}

Millis PostgresQueue::oldest_due(Millis now) {
  return pool_.with([&](PostgresConnection& sql) {
    return sql.run("SELECT MIN(due_at) FROM deliveries WHERE due_at <= $1", {now}).integer(0, 0);
  });
}

std::vector<QueuedFolder> PostgresQueue::list(std::size_t limit, std::size_t offset) {
  return pool_.with([&](PostgresConnection& sql) {
    // One snapshot for both statements.
    sql.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const auto rows = sql.run(
        "SELECT id, path, kind, priority, source, first_event, last_event, events FROM folders "
        "ORDER BY id LIMIT $1 OFFSET $2",
        {limit, offset});
    std::vector<QueuedFolder> folders;
    std::vector<std::string> ids;
    for (std::size_t r = 0; r < rows.size(); ++r) {
      ids.push_back(rows.text(r, 0));
      folders.push_back({rows.text(r, 1),
                         static_cast<EventKind>(rows.integer(r, 2)),
                         static_cast<int>(rows.integer(r, 3)),
                         rows.text(r, 4),
                         rows.integer(r, 5),
                         rows.integer(r, 6),
                         static_cast<int>(rows.integer(r, 7)),
                         {}});
    }
    const auto deliveries = sql.run(
        "SELECT folder_id, target, attempts, due_at, next_attempt, last_error FROM deliveries "
        "WHERE folder_id = ANY($1::bigint[]) ORDER BY folder_id, target",
        {postgres_text_array(ids)});
    sql.execute("COMMIT");
    for (std::size_t r = 0; r < deliveries.size(); ++r) {
      const auto at = std::find(ids.begin(), ids.end(), deliveries.text(r, 0)) - ids.begin();
      folders[static_cast<std::size_t>(at)].deliveries.push_back(
          {deliveries.text(r, 1), static_cast<int>(deliveries.integer(r, 2)),
           deliveries.integer(r, 3), deliveries.integer(r, 4), deliveries.text(r, 5)});
    }
    return folders;
  });
}

std::vector<HistoryEntry> PostgresQueue::history(std::size_t limit, std::size_t offset,
                                                 const HistoryFilter& filter) {
  const auto rows = pool_.with([&](PostgresConnection& sql) {
    return sql.run(std::string("SELECT id, folder, target, target_path, outcome, attempts, "
                               "queued_at, finished_at, duration_ms, reason, config, retried_at, "
                               "instance, source FROM history") +
                       history_where() + " ORDER BY id DESC LIMIT $7 OFFSET $8",
                   [&] {
                     auto params = history_params(filter);
                     params.emplace_back(limit);
                     params.emplace_back(offset);
                     return params;
                   }());
  });
  std::vector<HistoryEntry> entries;
  for (std::size_t r = 0; r < rows.size(); ++r)
    entries.push_back({rows.integer(r, 0), rows.text(r, 1), rows.text(r, 2), rows.text(r, 3),
                       rows.text(r, 4), static_cast<int>(rows.integer(r, 5)), rows.integer(r, 6),
                       rows.integer(r, 7), rows.integer(r, 8), rows.text(r, 9), rows.text(r, 10),
                       rows.integer(r, 11), rows.text(r, 12), rows.text(r, 13)});
  return entries;
}

std::int64_t PostgresQueue::history_count(const HistoryFilter& filter) {
  return pool_.with([&](PostgresConnection& sql) {
    return sql
        .run(std::string("SELECT COUNT(*) FROM history") + history_where(), history_params(filter))
        .integer(0, 0);
  });
}

void PostgresQueue::share_pause(const std::string& target, std::optional<SharedPause> pause) {
  write([&](PostgresConnection& sql) {
    if (pause)
      sql.run(
          "INSERT INTO target_pauses(target, until, error, instance) VALUES($1, $2, $3, $4) "
          "ON CONFLICT(target) DO UPDATE SET until = excluded.until, error = excluded.error, "
          "instance = excluded.instance",
          {target, pause->until, pause->error, instance_});
    else
      sql.run("DELETE FROM target_pauses WHERE target = $1", {target});
    return true;
  });
}

std::optional<SharedPause> PostgresQueue::shared_pause(const std::string& target, Millis now) {
  const auto row = pool_.with([&](PostgresConnection& sql) {
    return sql.run(
        "SELECT until, error, instance FROM target_pauses "
        "WHERE target = $1 AND until > $2 AND instance <> $3",
        {target, now, instance_});
  });
  if (row.size() == 0) return std::nullopt;
  return SharedPause{row.integer(0, 0), row.text(0, 1), row.text(0, 2)};
}

void PostgresQueue::on_remote_events(std::function<void()> wake) {
  std::lock_guard lock(wake_mutex_);
  wake_ = std::move(wake);
  if (wake_ && !listener_.joinable()) listener_ = std::thread([this] { listen(); });
}

// Its own connection: LISTEN holds it. Another instance's NOTIFY wakes the
// dispatcher at once; a lost connection is opened again (meanwhile the
// dispatcher still looks every idle_interval).
void PostgresQueue::listen() {
  auto& logger = Poco::Logger::get("scanhook.postgres");
  while (!stopping_) {
    try {
      PostgresConnection sql(pool_.url(), pool_.password());
      sql.execute(std::string("LISTEN ") + kChannel);
      while (!stopping_) {
        pollfd ready{sql.socket(), POLLIN, 0};
        if (::poll(&ready, 1, 250) < 0) continue;
        bool remote = false;
        for (const auto& from : sql.notifications()) remote |= from != instance_;
        std::lock_guard lock(wake_mutex_);
        if (remote && wake_) wake_();
      }
    } catch (const std::exception& error) {
      logger.warning(std::string("not hearing other instances' events: ") + error.what());
      for (int i = 0; i < 20 && !stopping_; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
}

bool PostgresQueue::hold_lock(const std::string& name) {
  std::lock_guard lock(locks_mutex_);
  try {
    if (locks_) locks_->run("SELECT 1");  // still connected: still held
  } catch (const PostgresError&) {
    locks_.reset();  // the server dropped the connection, and the locks with it
  }
  if (!locks_) {
    held_.clear();
    locks_ = std::make_unique<PostgresConnection>(pool_.url(), pool_.password());
  }
  if (held_.count(name)) return true;
  const auto taken = locks_->run("SELECT pg_try_advisory_lock(hashtext($1))", {"scanhook " + name});
  if (taken.text(0, 0) != "t") return false;
  held_.insert(name);
  return true;
}

bool PostgresQueue::healthy() noexcept {
  if (last_write_failure()) return false;
  try {
    return pool_.with(
        [](PostgresConnection& sql) { return sql.run("SELECT 1").integer(0, 0) == 1; });
  } catch (...) {
    return false;
  }
}

std::optional<std::string> PostgresQueue::last_write_failure() const {
  return write_failure_.last();
}

}  // namespace scanhook::core
