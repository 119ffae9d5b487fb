#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <optional>
#include <thread>

#include "scanhook/core/pipeline/ingest.hpp"
#include "scanhook/core/pipeline/intake.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "support/blocking_ingest.hpp"
#include "support/expected_printing.hpp"
#include "support/store_backends.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::EventKind;
using scanhook::ScanEvent;
using scanhook::testing::submit_and_wait;
using scanhook::testing::TempDir;

namespace {

Intake plain_intake(std::vector<SourceRules> sources = {}) {
  return Intake(std::move(sources), {{"plex", {}, false}});
}

// A queue on a fresh store of `Backend` (store_backends.hpp), and an ingest into it.
template <class Backend>
struct IngestFixture {
  Backend backend;
  std::unique_ptr<Store> store = backend.open();
  QueueStore& queue = store->queue();
  Ingest ingest{queue, nullptr};
};

// The same on a SQLite file the test reaches behind the queue's back.
struct SqliteIngestFixture {
  TempDir dir;
  Database database{dir / "db"};
  Queue queue{database, std::chrono::milliseconds(0)};
  Ingest ingest{queue, nullptr};
};

// Whether `folder` is queued, as any reader of the store sees it.
bool listed(QueueStore& queue, const std::string& folder) {
  for (const auto& queued : queue.list(100'000, 0))
    if (queued.path == folder) return true;
  return false;
}

}  // namespace

STORE_TEST("two file events in one folder become one scan of the folder", "[ingest]") {
  const Intake intake = plain_intake();
  const auto admitted =
      intake.admit("sonarr", {{"/tv/Show/Season 1/a.mkv", true, EventKind::created, 0},
                              {"/tv/Show/Season 1/b.mkv", true, EventKind::created, 0}});
  REQUIRE(admitted);
  IngestFixture<Backend> f;
  const auto receipt = submit_and_wait(f.ingest, admitted->events);
  CHECK(receipt.committed);
  CHECK(receipt.added == 1);
  CHECK(receipt.merged == 1);
  const auto due = f.queue.due("plex", now_millis() + 1, 10, {});
  REQUIRE(due.size() == 1);
  CHECK(due[0].path == "/tv/Show/Season 1");
}

TEST_CASE("one bad path refuses the whole request, naming the rule and the path", "[ingest]") {
  const Intake intake = plain_intake();
  const auto admitted =
      intake.admit("sonarr", {{"/tv/ok", false, EventKind::modified, 0},
                              {"/tv/../etc/passwd", true, EventKind::modified, 0}});
  REQUIRE_FALSE(admitted);
  CHECK(admitted.error().message == "the path has a \"..\" segment: \"/tv/../etc/passwd\"");
}

TEST_CASE("a path that is not UTF-8 is refused, shown with U+FFFD in the error", "[ingest]") {
  const Intake intake = plain_intake();
  const auto admitted = intake.admit("sonarr", {{"/tv/caf\xE9", false, EventKind::modified, 0}});
  REQUIRE_FALSE(admitted);
  CHECK(admitted.error().message == "the path is not valid UTF-8: \"/tv/caf\xEF\xBF\xBD\"");
}

TEST_CASE("the source's rewrite, filters and priority apply before the queue", "[ingest]") {
  SourceRules sonarr{"sonarr", PathRules({"C:\\TV => /mnt/tv"}, {}, {"\\.partial$"}), 4, ""};
  const Intake intake = plain_intake({sonarr});
  const auto admitted =
      intake.admit("sonarr", {{"C:\\TV\\Show\\S01\\e1.mkv", true, EventKind::created, 1},
                              {"C:\\TV\\Show\\S01\\e1.partial", true, EventKind::created, 0}});
  REQUIRE(admitted);
  CHECK(admitted->filtered == 1);
  REQUIRE(admitted->events.size() == 1);
  CHECK(admitted->events[0].folder == "/mnt/tv/Show/S01");
  CHECK(admitted->events[0].priority == 5);
  CHECK(admitted->events[0].targets == std::vector<std::string>{"plex"});
}

TEST_CASE("an event is not sent back to its source's origin target", "[ingest]") {
  SourceRules plex_source{"plex", {}, 0, "plex"};
  Intake intake({plex_source}, {{"plex", {}, false}, {"emby", {}, false}});
  const auto plan = intake.plan("plex", {"/tv/Show", false, EventKind::modified, 0});
  REQUIRE(plan.targets.size() == 2);
  CHECK_FALSE(plan.targets[0].accepted);
  CHECK(plan.targets[0].reason ==
        "the event came from this target's own server (origin_target of plex); set scan_origin "
        "= true to scan it anyway");
  CHECK(plan.targets[1].accepted);

  Intake scanning_origin({plex_source}, {{"plex", {}, true}});
  CHECK(scanning_origin.plan("plex", {"/tv/Show", false, EventKind::modified, 0})
            .targets[0]
            .accepted);
}

TEST_CASE("a target's rewrite and filters decide whether it gets a folder", "[ingest]") {
  Intake intake({}, {{"plex", PathRules({"/mnt/tv => /data/tv"}, {"^/data/tv/"}, {}), false},
                     {"emby", PathRules({}, {}, {"^/mnt/tv/Kids"}), false}});
  const auto plan = intake.plan("x", {"/mnt/tv/Kids/Show", false, EventKind::modified, 0});
  CHECK(plan.targets[0].accepted);
  CHECK(plan.targets[0].path == "/data/tv/Kids/Show");
  CHECK_FALSE(plan.targets[1].accepted);
  CHECK(plan.targets[1].reason == "excluded by exclude = ^/mnt/tv/Kids");
  CHECK(intake.target_rewrite("plex", "/mnt/tv/A") == "/data/tv/A");
  CHECK(intake.target_rewrite("nosuch", "/mnt/tv/A") == "/mnt/tv/A");
}

// Sharing itself is pinned by "requests arriving during a commit wait for the next one and share
// it".
STORE_TEST("concurrent requests are each answered only once their own folder is committed",
           "[ingest]") {
  IngestFixture<Backend> f;
  constexpr int kThreads = 8, kPerThread = 25;
  std::atomic<int> readable{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const std::string folder = "/tv/" + std::to_string(t) + "/" + std::to_string(i);
        const auto receipt =
            submit_and_wait(f.ingest, {{folder, EventKind::modified, 0, "s", {"plex"}}});
        if (receipt.committed && listed(f.queue, folder)) ++readable;
      }
    });
  for (auto& thread : threads) thread.join();
  CHECK(readable == kThreads * kPerThread);
  CHECK(f.queue.folder_count() == kThreads * kPerThread);
}

TEST_CASE_METHOD(SqliteIngestFixture,
                 "requests arriving during a commit wait for the next one and share it",
                 "[ingest]") {
  // Another writer holds the database, so the committer is stuck on its first batch.
  std::atomic<bool> holding{false}, release{false};
  std::thread writer([&] {
    database.write([&](SqlConnection&) {
      holding = true;
      while (!release) std::this_thread::yield();
    });
  });
  while (!holding) std::this_thread::yield();

  std::atomic<int> answered{0};
  std::vector<IngestReceipt> receipts(4);
  auto submit = [&](int i) {
    ingest.submit_async({{"/tv/" + std::to_string(i), EventKind::modified, 0, "s", {"plex"}}},
                        [&, i](IngestReceipt receipt) {
                          receipts[i] = std::move(receipt);
                          ++answered;
                        });
  };
  submit(0);
  while (ingest.waiting() != 0) std::this_thread::yield();  // the committer took it
  for (int i = 1; i < 4; ++i) submit(i);
  CHECK(ingest.waiting() == 3);
  CHECK(answered == 0);
  CHECK(queue.folder_count() == 0);
  release = true;
  writer.join();
  while (answered != 4) std::this_thread::yield();
  CHECK(ingest.commits() == 2);  // the first request's, then the three together
  for (const auto& receipt : receipts) {
    CHECK(receipt.committed);
    CHECK(receipt.added == 1);
  }
  CHECK(queue.folder_count() == 4);
}

STORE_TEST("the committer stays one batch ahead of the fsync, so later requests share one commit",
           "[ingest]") {
  IngestFixture<Backend> f;
  auto& ingest = f.ingest;
  // The first request's answer holds the syncer (answers run on it).
  std::atomic<bool> syncer_held{false}, release{false};
  std::atomic<int> answered{0};
  auto submit = [&](int i, bool hold) {
    ingest.submit_async({{"/tv/" + std::to_string(i), EventKind::modified, 0, "s", {"plex"}}},
                        [&, hold](IngestReceipt receipt) {
                          CHECK(receipt.committed);
                          if (hold) {
                            syncer_held = true;
                            while (!release) std::this_thread::yield();
                          }
                          ++answered;
                        });
  };
  submit(0, true);
  while (!syncer_held) std::this_thread::yield();
  submit(1, false);  // committed while the syncer is held...
  while (ingest.commits() != 2) std::this_thread::yield();
  for (int i = 2; i < 5; ++i) submit(i, false);  // ...but these wait for it
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  CHECK(ingest.commits() == 2);
  CHECK(ingest.waiting() == 3);
  release = true;
  while (answered != 5) std::this_thread::yield();
  CHECK(ingest.commits() == 3);
  CHECK(f.queue.folder_count() == 5);
}

STORE_TEST("an asynchronous request is answered once its events are committed and readable",
           "[ingest]") {
  IngestFixture<Backend> f;
  std::atomic<bool> answered{false};
  std::atomic<std::size_t> visible{0};
  f.ingest.submit_async({{"/tv/a", EventKind::modified, 0, "s", {"plex"}},
                         {"/tv/b", EventKind::modified, 0, "s", {"plex"}},
                         {"/tv/a", EventKind::modified, 0, "s", {"plex"}}},
                        [&](IngestReceipt receipt) {
                          CHECK(receipt.committed);
                          CHECK(receipt.added == 2);
                          CHECK(receipt.merged == 1);
                          visible = f.queue.folder_count();
                          answered = true;
                        });
  while (!answered) std::this_thread::yield();
  CHECK(visible == 2);
}

STORE_TEST("a request with no events is answered at once, without a commit", "[ingest]") {
  IngestFixture<Backend> f;
  auto& ingest = f.ingest;
  bool answered = false;
  ingest.submit_async({}, [&](IngestReceipt receipt) {
    CHECK(receipt.committed);
    CHECK(receipt.added == 0);
    answered = true;
  });
  CHECK(answered);  // on this thread, before submit_async returned
  CHECK(ingest.commits() == 0);
}

TEST_CASE_METHOD(SqliteIngestFixture, "events that cannot be made durable are not acknowledged",
                 "[ingest]") {
  REQUIRE(submit_and_wait(ingest, {{"/tv/a", EventKind::modified, 0, "s", {"plex"}}}).committed);
  // Without its WAL file on disk, a commit would not survive a restart.
  std::filesystem::remove(dir / "db-wal");
  const auto receipt = submit_and_wait(ingest, {{"/tv/b", EventKind::modified, 0, "s", {"plex"}}});
  CHECK_FALSE(receipt.committed);
  CHECK_THAT(receipt.error, Catch::Matchers::Contains("could not make the events durable") &&
                                Catch::Matchers::Contains("db-wal"));
}

STORE_TEST("stop() answers every request submitted before it, and later ones at once", "[ingest]") {
  IngestFixture<Backend> f;
  auto& ingest = f.ingest;
  std::atomic<int> committed{0};
  for (int i = 0; i < 20; ++i)
    ingest.submit_async({{"/tv/" + std::to_string(i), EventKind::modified, 0, "s", {"plex"}}},
                        [&](IngestReceipt receipt) { committed += receipt.committed; });
  ingest.stop();
  CHECK(committed == 20);
  CHECK(f.queue.folder_count() == 20);
  std::optional<IngestReceipt> late;
  ingest.submit_async({{"/tv/late", EventKind::modified, 0, "s", {"plex"}}},
                      [&](IngestReceipt receipt) { late = std::move(receipt); });
  REQUIRE(late);
  CHECK_FALSE(late->committed);
  CHECK(late->error == "scanhookd is shutting down");
  ingest.stop();  // again: nothing to do
}
