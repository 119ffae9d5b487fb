#include <catch2/catch.hpp>

#include <filesystem>
#include <map>

#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/store/store.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::EventKind;
using scanhook::Result;
using scanhook::testing::TempDir;
using std::chrono::milliseconds;

namespace {

template <class Backend>
struct QueueFixture {
  explicit QueueFixture(milliseconds minimum_age = milliseconds(0))
      : store(backend.open(minimum_age)), queue(store->queue()) {}

  Enqueued add(const std::string& folder, Millis now, std::vector<std::string> targets = {"plex"},
               int priority = 0, EventKind kind = EventKind::modified) {
    return queue.add_events({{folder, kind, priority, "sonarr", std::move(targets)}}, {}, now)
        .at(0);
  }
  void finish(const std::string& target, const DueFolder& folder, Result result, Millis now,
              Millis retry_at = 0) {
    queue.record({{target, folder, folder.path, std::move(result), now, now + 5, retry_at, ""}});
  }
  std::vector<std::string> due_paths(const std::string& target, Millis now,
                                     std::vector<std::string> blocking = {}) {
    std::vector<std::string> paths;
    for (const auto& folder : queue.due(target, now, 100, blocking)) paths.push_back(folder.path);
    return paths;
  }

  Backend backend;
  std::unique_ptr<Store> store;
  QueueStore& queue;
};

}  // namespace

STORE_TEST("events for one folder merge into one row", "[queue]") {
  QueueFixture<Backend> f;
  const auto outcomes =
      f.queue.add_events({{"/tv/Show/Season 1", EventKind::created, 0, "sonarr", {"plex"}},
                          {"/tv/Show/Season 1", EventKind::created, 0, "sonarr", {"plex"}}},
                         {}, 100);
  CHECK(outcomes == std::vector<Enqueued>{Enqueued::added, Enqueued::merged});
  CHECK(f.queue.folder_count() == 1);
  const auto listed = f.queue.list(10, 0);
  REQUIRE(listed.size() == 1);
  CHECK(listed[0].events == 2);
  CHECK(listed[0].kind == EventKind::created);
  CHECK(f.due_paths("plex", 200) == std::vector<std::string>{"/tv/Show/Season 1"});
}

STORE_TEST("the highest priority of merged events wins", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/A", 100, {"plex"}, 5);
  f.add("/tv/A", 101, {"plex"}, 1);
  f.add("/tv/B", 102, {"plex"}, 3);
  const auto due = f.queue.due("plex", 200, 10, {});
  REQUIRE(due.size() == 2);
  CHECK(due[0].path == "/tv/A");
  CHECK(due[0].priority == 5);
  CHECK(due[1].path == "/tv/B");
}

STORE_TEST("a repeat event for a folder restarts its debounce clock", "[queue]") {
  QueueFixture<Backend> f(milliseconds(1000));
  f.add("/tv/Show", 0);
  CHECK(f.due_paths("plex", 999).empty());
  f.add("/tv/Show", 500);
  CHECK(f.due_paths("plex", 1200).empty());
  CHECK(f.due_paths("plex", 1500) == std::vector<std::string>{"/tv/Show"});
}

STORE_TEST("mixed event kinds on one folder become 'modified'", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 0, {"plex"}, 0, EventKind::created);
  f.add("/tv/Show", 1, {"plex"}, 0, EventKind::deleted);
  CHECK(f.queue.list(1, 0)[0].kind == EventKind::modified);
}

STORE_TEST("an ok delivery leaves the queue with a history row", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10);
  const auto due = f.queue.due("plex", 20, 10, {});
  REQUIRE(due.size() == 1);
  f.finish("plex", due[0], Result::ok(), 30);
  CHECK(f.queue.folder_count() == 0);
  CHECK(f.due_paths("plex", 40).empty());
  const auto history = f.queue.history(10, 0);
  REQUIRE(history.size() == 1);
  CHECK(history[0].folder == "/tv/Show");
  CHECK(history[0].target == "plex");
  CHECK(history[0].outcome == "ok");
  CHECK(history[0].attempts == 1);
  CHECK(history[0].queued_at == 10);
  CHECK(history[0].finished_at == 35);
  CHECK(history[0].duration_ms == 5);
}

STORE_TEST("each target keeps its own delivery state", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10, {"plex", "emby"});
  f.finish("plex", f.queue.due("plex", 20, 10, {})[0], Result::ok(), 30);
  CHECK(f.due_paths("plex", 40).empty());
  CHECK(f.due_paths("emby", 40) == std::vector<std::string>{"/tv/Show"});
  CHECK(f.queue.folder_count() == 1);
  f.finish("emby", f.queue.due("emby", 50, 10, {})[0], Result::ok(), 60);
  CHECK(f.queue.folder_count() == 0);
}

STORE_TEST("an event during an in-flight delivery is not lost (generation)", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10);
  const auto in_flight = f.queue.due("plex", 20, 10, {});
  REQUIRE(in_flight.size() == 1);
  f.add("/tv/Show", 25);  // arrives while the scan runs
  f.finish("plex", in_flight[0], Result::ok(), 30);
  const auto again = f.queue.due("plex", 40, 10, {});
  REQUIRE(again.size() == 1);
  CHECK(again[0].path == "/tv/Show");
  CHECK(again[0].generation == in_flight[0].generation + 1);
  CHECK(again[0].attempts == 0);
  f.finish("plex", again[0], Result::ok(), 50);
  CHECK(f.queue.folder_count() == 0);
  CHECK(f.queue.history(10, 0).size() == 2);
}

STORE_TEST("an event during a retried scan that then succeeds resets the attempts and the backoff",
           "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10);
  f.finish("plex", f.queue.due("plex", 20, 10, {})[0], Result::retry("Plex answered 503"), 30,
           5000);
  const auto in_flight = f.queue.due("plex", 5000, 10, {});
  REQUIRE(in_flight.size() == 1);
  REQUIRE(in_flight[0].attempts == 1);  // the second attempt is the one in flight
  f.add("/tv/Show", 5010);              // arrives while it runs
  f.finish("plex", in_flight[0], Result::ok(), 5020);
  const auto listed = f.queue.list(10, 0);
  REQUIRE(listed.size() == 1);
  REQUIRE(listed[0].deliveries.size() == 1);
  CHECK(listed[0].deliveries[0].attempts == 0);
  CHECK(listed[0].deliveries[0].next_attempt == 0);
  CHECK(listed[0].deliveries[0].last_error.empty());
  const auto again = f.queue.due("plex", 5030, 10, {});
  REQUIRE(again.size() == 1);
  CHECK(again[0].attempts == 0);  // the new event's scan starts afresh, not as a third retry
}

STORE_TEST("a rejected folder is recorded with its reason and not retried", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10);
  f.finish("plex", f.queue.due("plex", 20, 10, {})[0],
           Result::rejected("no library holds /tv/Show"), 30);
  CHECK(f.due_paths("plex", 1'000'000).empty());
  const auto history = f.queue.history(10, 0);
  REQUIRE(history.size() == 1);
  CHECK(history[0].outcome == "rejected");
  CHECK(history[0].reason == "no library holds /tv/Show");
}

STORE_TEST("a retried folder waits until its next attempt and counts attempts", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10);
  f.finish("plex", f.queue.due("plex", 20, 10, {})[0], Result::retry("Plex answered 503"), 30,
           5000);
  CHECK(f.due_paths("plex", 4999).empty());
  const auto due = f.queue.due("plex", 5000, 10, {});
  REQUIRE(due.size() == 1);
  CHECK(due[0].attempts == 1);
  const auto listed = f.queue.list(10, 0);
  CHECK(listed[0].deliveries[0].last_error == "Plex answered 503");
  CHECK(listed[0].deliveries[0].next_attempt == 5000);
  f.finish("plex", due[0], Result::ok(), 6000);
  CHECK(f.queue.history(1, 0)[0].attempts == 2);
}

STORE_TEST("an unavailable answer keeps the folder queued with the error", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10);
  f.finish("plex", f.queue.due("plex", 20, 10, {})[0], Result::unavailable("connection refused"),
           30);
  CHECK(f.due_paths("plex", 40) == std::vector<std::string>{"/tv/Show"});
  CHECK(f.queue.list(10, 0)[0].deliveries[0].last_error == "connection refused");
  CHECK(f.queue.history(10, 0).empty());
}

STORE_TEST("a folder a blocking (prepare) target still owes is not due for scan targets",
           "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10, {"rclone", "plex"});
  f.add("/tv/Other", 10, {"plex"});
  CHECK(f.due_paths("plex", 20, {"rclone"}) == std::vector<std::string>{"/tv/Other"});
  f.finish("rclone", f.queue.due("rclone", 20, 10, {})[0], Result::ok(), 30);
  CHECK(f.due_paths("plex", 40, {"rclone"}) == std::vector<std::string>{"/tv/Show", "/tv/Other"});
}

STORE_TEST("a batch is limited and ordered by priority then due time", "[queue]") {
  QueueFixture<Backend> f;
  for (int i = 0; i < 5; ++i) f.add("/tv/" + std::to_string(i), 10 + i, {"plex"}, i == 3 ? 9 : 0);
  const auto due = f.queue.due("plex", 100, 3, {});
  REQUIRE(due.size() == 3);
  CHECK(due[0].path == "/tv/3");
  CHECK(due[1].path == "/tv/0");
  CHECK(due[2].path == "/tv/1");
}

STORE_TEST("deliveries of targets no longer configured are dropped with history, counted by target",
           "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10, {"plex", "gone"});
  f.add("/tv/Other", 10, {"gone"});
  f.add("/tv/Third", 10, {"old"});
  const std::map<std::string, std::size_t> dropped{{"gone", 2}, {"old", 1}};
  CHECK(f.queue.drop_targets_except({"plex"}, 50) == dropped);
  CHECK(f.queue.folder_count() == 1);
  const auto history = f.queue.history(10, 0);
  REQUIRE(history.size() == 3);
  CHECK(history[0].outcome == "dropped");
  CHECK(history[0].reason == "the target is no longer configured");
}

STORE_TEST("a folder whose row was dropped is queued afresh by its next event", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/Show", 10, {"gone"});
  f.queue.drop_targets_except({"plex"}, 50);
  CHECK(f.queue.folder_count() == 0);
  CHECK(f.add("/tv/Show", 60) == Enqueued::added);
  CHECK(f.due_paths("plex", 100) == std::vector<std::string>{"/tv/Show"});
}

TEST_CASE(
    "a folder's next event merges into its row after a rolled-back delivery and after a "
    "restart",
    "[queue]") {
  TempDir dir;
  {
    Database database(dir / "q.db");
    Queue queue(database, milliseconds(0));
    database.write([&](SqlConnection& sql) {
      queue.enqueue(sql, {"/tv/Show", EventKind::modified, 0, "s", {"plex"}}, 10);
    });
    const auto due = queue.due("plex", 20, 10, {});
    REQUIRE(due.size() == 1);
    // The delivery's record (which deletes the folder's row) rolls back: the
    // row stays, and so must the index's entry for it.
    CHECK_THROWS(database.write([&](SqlConnection& sql) {
      queue.record(sql, {"plex", due[0], due[0].path, Result::ok(), 20, 25, 0, ""});
      throw std::runtime_error("the commit failed");
    }));
    database.write([&](SqlConnection& sql) {
      CHECK(queue.enqueue(sql, {"/tv/Show", EventKind::modified, 0, "s", {"plex"}}, 30) ==
            Enqueued::merged);
    });
    // A folder added in a transaction that rolls back leaves nothing behind.
    CHECK_THROWS(database.write([&](SqlConnection& sql) {
      queue.enqueue(sql, {"/tv/Gone", EventKind::modified, 0, "s", {"plex"}}, 30);
      throw std::runtime_error("the commit failed");
    }));
    database.write([&](SqlConnection& sql) {
      CHECK(queue.enqueue(sql, {"/tv/Other", EventKind::modified, 0, "s", {"plex"}}, 40) ==
            Enqueued::added);
      CHECK(queue.enqueue(sql, {"/tv/Gone", EventKind::modified, 0, "s", {"plex"}}, 40) ==
            Enqueued::added);
    });
    CHECK(queue.folder_count() == 3);
  }
  Database database(dir / "q.db");
  Queue queue(database, milliseconds(0));  // indexes the queued folders again
  database.write([&](SqlConnection& sql) {
    for (const char* folder : {"/tv/Show", "/tv/Other", "/tv/Gone"})
      CHECK(queue.enqueue(sql, {folder, EventKind::modified, 0, "s", {"plex"}}, 50) ==
            Enqueued::merged);
  });
  CHECK(queue.folder_count() == 3);
  const auto listed = queue.list(10, 0);
  REQUIRE(listed.size() == 3);
  CHECK(listed[0].events == 3);
}

STORE_TEST("a changed minimum_age applies to folders already queued", "[queue]") {
  Backend backend;
  {
    const auto store = backend.open(milliseconds(0));
    store->queue().add_events({{"/tv/Show", EventKind::modified, 0, "s", {"plex"}}}, {}, 1000);
    CHECK(store->queue().due("plex", 1000, 10, {}).size() == 1);
  }
  const auto store = backend.open(milliseconds(600'000));
  CHECK(store->queue().due("plex", 1000 + 599'999, 10, {}).empty());
  CHECK(store->queue().due("plex", 1000 + 600'000, 10, {}).size() == 1);
}

STORE_TEST("the oldest due delivery is found across targets and priority levels", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/A", 100, {"plex"}, 0);
  f.add("/tv/B", 50, {"jellyfin"}, 5);
  f.add("/tv/C", 500, {"plex", "jellyfin"}, 9);
  CHECK(f.queue.oldest_due(40) == 0);  // nothing due yet
  CHECK(f.queue.oldest_due(60) == 50);
  CHECK(f.queue.oldest_due(1000) == 50);
  // B's retry moves it past A.
  f.finish("jellyfin", f.queue.due("jellyfin", 60, 1, {})[0], Result::retry("busy"), 60, 2000);
  CHECK(f.queue.oldest_due(1000) == 100);
  f.finish("plex", f.queue.due("plex", 1000, 10, {})[1], Result::ok(), 1000);  // A, below C
  CHECK(f.queue.oldest_due(1000) == 500);
}

STORE_TEST("history older than the retention is pruned", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/A", 10);
  f.finish("plex", f.queue.due("plex", 20, 10, {})[0], Result::ok(), 100);
  f.add("/tv/B", 200);
  f.finish("plex", f.queue.due("plex", 300, 10, {})[0], Result::ok(), 1000);
  CHECK(f.queue.prune_history(500) == 1);
  const auto history = f.queue.history(10, 0);
  REQUIRE(history.size() == 1);
  CHECK(history[0].folder == "/tv/B");
}

TEST_CASE("a second queue on the same database file is refused while the first runs", "[queue]") {
  TempDir dir;
  Database first_database(dir / "q.db");
  std::filesystem::create_symlink(dir / "q.db", dir / "link.db");
  Database second_database(dir / "link.db");  // as another scanhookd would, by another name
  {
    Queue first(first_database, milliseconds(0));
    REQUIRE_THROWS_WITH(Queue(second_database, milliseconds(0)),
                        Catch::Contains("is in use by another scanhookd"));
  }
  Queue second(second_database, milliseconds(0));  // the first one is gone
  CHECK(second.folder_count() == 0);
}

STORE_TEST("a rejected folder is put back in the queue for its target alone", "[queue]") {
  QueueFixture<Backend> f;
  f.add("/tv/A", 100, {"plex", "emby"});
  const auto plex_due = f.queue.due("plex", 200, 10, {});
  const auto emby_due = f.queue.due("emby", 200, 10, {});
  f.queue.record(
      {{"plex", plex_due.at(0), "/tv/A", Result::rejected("in no library"), 200, 210, 0, "c0ffee"},
       {"emby", emby_due.at(0), "/tv/A", Result::ok(), 200, 210, 0, "beef"}});
  CHECK(f.queue.folder_count() == 0);
  const auto history = f.queue.history(10, 0);
  REQUIRE(history.size() == 2);
  const auto& rejected = history[1].outcome == "rejected" ? history[1] : history[0];
  const auto& delivered = history[1].outcome == "rejected" ? history[0] : history[1];
  CHECK(rejected.config == "c0ffee");
  CHECK(rejected.retried_at == 0);

  CHECK(f.queue.retry(delivered.id, "api", 300) == Retried::not_rejected);
  CHECK(f.queue.retry(9999, "api", 300) == Retried::not_found);
  CHECK(f.queue.folder_count() == 0);

  CHECK(f.queue.retry(rejected.id, "api", 300) == Retried::requeued);
  CHECK(f.due_paths("plex", 300) == std::vector<std::string>{"/tv/A"});
  CHECK(f.due_paths("emby", 300).empty());
  scanhook::core::HistoryFilter plex_only;
  plex_only.target = "plex";
  CHECK(f.queue.history(10, 0, plex_only).at(0).retried_at == 300);
  CHECK(f.queue.history_target(rejected.id) == std::optional<std::string>("plex"));
  CHECK_FALSE(f.queue.history_target(9999));
}

STORE_TEST("the history is filtered by target, source, outcome, path and time, and counted",
           "[queue]") {
  QueueFixture<Backend> f;
  f.queue.add_events({{"/tv/Show A", EventKind::created, 0, "sonarr", {"plex"}},
                      {"/movies/Film", EventKind::created, 0, "radarr", {"plex", "emby"}}},
                     {{"/music/Album", "", "", "excluded by the source", "filtered", "lidarr"}},
                     100);
  for (const std::string target : {"plex", "emby"})
    for (const auto& due : f.queue.due(target, 200, 10, {}))
      f.finish(target, due,
               due.path == "/tv/Show A" ? Result::rejected("in no library") : Result::ok(),
               300);  // finished at 305

  CHECK(f.queue.history_count({}) == 4);
  HistoryFilter radarr;
  radarr.source = "radarr";
  CHECK(f.queue.history_count(radarr) == 2);
  for (const auto& entry : f.queue.history(10, 0, radarr)) {
    CHECK(entry.source == "radarr");
    CHECK(entry.folder == "/movies/Film");
  }
  CHECK(f.queue.history(1, 1, radarr).size() == 1);

  HistoryFilter rejected;
  rejected.target = "plex";
  rejected.outcome = "rejected";
  const auto found = f.queue.history(10, 0, rejected);
  REQUIRE(found.size() == 1);
  CHECK(found[0].folder == "/tv/Show A");
  CHECK(found[0].source == "sonarr");

  HistoryFilter path;
  path.path = "show a";  // any case
  CHECK(f.queue.history_count(path) == 1);
  path.path = "MOVIES";
  CHECK(f.queue.history_count(path) == 2);

  HistoryFilter since;
  since.finished_from = 305;
  CHECK(f.queue.history_count(since) == 3);
  HistoryFilter before;
  before.finished_before = 305;
  const auto early = f.queue.history(10, 0, before);
  REQUIRE(early.size() == 1);
  CHECK(early[0].outcome == "filtered");
  CHECK(early[0].source == "lidarr");
}
