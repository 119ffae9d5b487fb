#include <catch2/catch.hpp>

#include <chrono>

#include "scanhook/core/pipeline/history_pruner.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "support/manual_time.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::testing::ManualTime;
using scanhook::testing::TempDir;
using std::chrono::milliseconds;

namespace {

void add_history_row(Database& database, Queue& queue, const std::string& folder, Millis at) {
  database.write([&](SqlConnection& sql) {
    queue.record_dropped(sql, {folder, "plex", folder, "filtered by a test", "filtered"}, at);
  });
}

}  // namespace

TEST_CASE("history rows older than history_retention are pruned while scanhookd runs",
          "[history]") {
  TempDir dir;
  Database database(dir / "queue.db");
  Queue queue(database, milliseconds(0));
  ManualTime clock;
  add_history_row(database, queue, "/tv/Before", clock.millis());
  HistoryPruner pruner(queue, milliseconds(1000), clock);  // prunes every 1000 ms
  pruner.start();
  CHECK(queue.history(10, 0).size() == 1);  // younger than the retention at start: kept
  REQUIRE(clock.pass(milliseconds(999), 1));
  CHECK(queue.history(10, 0).size() == 1);  // no prune before the interval
  REQUIRE(clock.pass(milliseconds(1), 1));
  CHECK(queue.history(10, 0).size() == 1);  // exactly the retention old: not older, kept
  REQUIRE(clock.pass(milliseconds(1000), 1));
  CHECK(queue.history(10, 0).empty());  // at most retention + interval

  // Long after start-up, a new row goes too.
  add_history_row(database, queue, "/tv/Later", clock.millis());
  REQUIRE(clock.pass(milliseconds(1000), 1));
  CHECK(queue.history(10, 0).size() == 1);
  REQUIRE(clock.pass(milliseconds(1000), 1));
  CHECK(queue.history(10, 0).empty());
  pruner.stop();
}

TEST_CASE("the history is pruned at start, before start() returns", "[history]") {
  TempDir dir;
  Database database(dir / "queue.db");
  Queue queue(database, milliseconds(0));
  ManualTime clock;
  add_history_row(database, queue, "/tv/Old", clock.millis());
  add_history_row(database, queue, "/tv/Young", clock.millis() + 20);
  clock.advance(milliseconds(60));
  HistoryPruner pruner(queue, milliseconds(50), clock);
  pruner.start();
  const auto left = queue.history(10, 0);
  REQUIRE(left.size() == 1);
  CHECK(left[0].folder == "/tv/Young");
}
