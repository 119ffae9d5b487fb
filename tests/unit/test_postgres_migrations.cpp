// PostgreSQL databases written by earlier scanhookd: each earlier schema is
// made as it was (migrate_postgres up to that version runs the same steps an
// older scanhookd ran), filled with a row in every table it had, then opened
// by the current store, alone or by two instances at once. The rows must
// survive, the schema must be current, and what the later steps added
// (history's source, notifications) must work on the old rows.
#include <catch2/catch.hpp>

#include <thread>

#include "scanhook/core/store/postgres_schema.hpp"
#include "scanhook/core/store/store.hpp"
#include "support/postgres_server.hpp"

using namespace scanhook::core;
using scanhook::NotificationEvent;
using scanhook::Result;
using scanhook::testing::PostgresServer;

namespace {

constexpr Millis kFarFuture = 4'000'000'000'000;

// A database at schema `version`, one row in each of its tables, as an
// instance named "old" left it.
std::string old_database(int version) {
  const std::string url = PostgresServer::shared().fresh_database();
  PostgresConnection sql(url, "");
  migrate_postgres(sql, version);
  REQUIRE(postgres_schema_version(sql) == version);
  sql.execute(R"sql(
      INSERT INTO meta(key, value) VALUES('minimum_age', '0');
      INSERT INTO folders(path, kind, priority, source, first_event, last_event, events, generation)
        VALUES('/tv/Queued', 1, 5, 'sonarr', 100, 200, 2, 2);
      INSERT INTO deliveries(folder_id, target, generation, priority, due_at, attempts,
                             next_attempt, last_error, leased_by, lease_until)
        SELECT id, 'plex', 2, 5, 200, 1, 150, '503: busy', 'old', 0 FROM folders;
      INSERT INTO history(folder, target, target_path, outcome, attempts, queued_at, finished_at,
                          duration_ms, reason, config, retried_at, instance)
        VALUES('/tv/Done', 'plex', '/data/tv/Done', 'rejected', 1, 10, 20, 5, 'no library',
               'abc123', 0, 'old');
      INSERT INTO dead_letters(source, received_at, headers, query, body, error, attempts)
        VALUES('sonarr', 30, '[["Content-Type","application/json"]]', '[]', '\x7b6272', 'not JSON', 2);
      INSERT INTO plugin_store(instance, key, value) VALUES('plex_optout', 'token', 'kept');
  )sql");
  sql.run("INSERT INTO target_pauses(target, until, error, instance) VALUES('emby', $1, $2, 'old')",
          {kFarFuture, "connection refused"});
  if (version >= 2) sql.execute("UPDATE history SET source = 'radarr'");
  return url;
}

std::unique_ptr<Store> open_instance(const std::string& url, const std::string& name) {
  StoreSettings settings;
  settings.database = url;
  settings.instance = name;
  return open_store(settings);
}

// Every row old_database(version) wrote, read through the current store.
void check_old_rows(Store& store, int version) {
  const auto queued = store.queue().list(10, 0);
  REQUIRE(queued.size() == 1);
  CHECK(queued[0].path == "/tv/Queued");
  CHECK(queued[0].priority == 5);
  CHECK(queued[0].events == 2);
  REQUIRE(queued[0].deliveries.size() == 1);
  CHECK(queued[0].deliveries[0].target == "plex");
  CHECK(queued[0].deliveries[0].attempts == 1);
  CHECK(queued[0].deliveries[0].last_error == "503: busy");

  const auto history = store.queue().history(10, 0);
  REQUIRE(history.size() == 1);
  CHECK(history[0].folder == "/tv/Done");
  CHECK(history[0].outcome == "rejected");
  CHECK(history[0].reason == "no library");
  CHECK(history[0].config == "abc123");
  CHECK(history[0].instance == "old");
  CHECK(history[0].source == (version >= 2 ? "radarr" : ""));

  const auto letters = store.dead_letters().list(10, 0);
  REQUIRE(letters.size() == 1);
  CHECK(letters[0].body_start == "{br");
  CHECK(letters[0].body_bytes == 3);
  CHECK(store.dead_letters().find(letters[0].id)->body == "{br");
  CHECK(letters[0].attempts == 2);
  CHECK(letters[0].headers == scanhook::HeaderList{{"Content-Type", "application/json"}});

  CHECK(store.plugins().load("plex_optout", "token") == std::optional<std::string>("kept"));
  const auto pause = store.queue().shared_pause("emby", now_millis());
  REQUIRE(pause);
  CHECK(pause->error == "connection refused");
  CHECK(pause->instance == "old");
}

// What the later steps added, on the old rows: the queued folder is
// delivered, its history row names its source, and a notification is kept.
void check_new_features(Store& store) {
  const auto outbox = store.open_outbox({{"hook", {NotificationEvent::delivered}}});
  const Millis now = now_millis();
  const auto due = store.queue().due("plex", now, 10, {});
  REQUIRE(due.size() == 1);
  CHECK(due[0].path == "/tv/Queued");
  store.queue().record({{"plex", due[0], "/tv/Queued", Result::ok(), now, now + 1, 0, ""}});
  HistoryFilter sonarr;
  sonarr.source = "sonarr";
  const auto delivered = store.queue().history(10, 0, sonarr);
  REQUIRE(delivered.size() == 1);
  CHECK(delivered[0].folder == "/tv/Queued");
  CHECK(store.queue().folder_count() == 0);
  const auto notifications = outbox->due("hook", now + 1, 10);
  REQUIRE(notifications.size() == 1);
  CHECK(notifications[0].folder == "/tv/Queued");
  // require_exists' files (schema 5).
  store.expected_files().add({{"/tv/Queued", {"/tv/Queued/e1.mkv", ""}}}, now, 0);
  CHECK(store.expected_files().of("/tv/Queued", "plex", 0).size() == 1);
}

}  // namespace

TEST_CASE("a PostgreSQL database of every earlier schema keeps its rows and becomes current",
          "[postgres]") {
  const int version = GENERATE(range(1, latest_postgres_schema_version()));
  INFO("from schema " << version);
  const std::string url = old_database(version);
  const auto store = open_instance(url, "new");
  PostgresConnection sql(url, "");
  CHECK(postgres_schema_version(sql) == latest_postgres_schema_version());
  check_old_rows(*store, version);
  check_new_features(*store);
}

TEST_CASE("two instances opening an earlier PostgreSQL schema at once migrate it once",
          "[postgres]") {
  const int version = GENERATE(range(1, latest_postgres_schema_version()));
  INFO("from schema " << version);
  const std::string url = old_database(version);
  std::unique_ptr<Store> a, b;
  std::string a_failed, b_failed;
  const auto open_as = [&](std::unique_ptr<Store>& store, std::string& failed,
                           const std::string& name) {
    try {
      store = open_instance(url, name);
    } catch (const std::exception& error) {
      failed = error.what();
    }
  };
  std::thread first([&] { open_as(a, a_failed, "a"); });
  open_as(b, b_failed, "b");
  first.join();
  INFO(a_failed << b_failed);
  REQUIRE(a);
  REQUIRE(b);
  PostgresConnection sql(url, "");
  CHECK(sql.run("SELECT COUNT(*) FROM scanhook_schema").integer(0, 0) == 1);
  CHECK(postgres_schema_version(sql) == latest_postgres_schema_version());
  check_old_rows(*a, version);
  check_new_features(*b);
}
