#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

#include "scanhook/core/pipeline/history_pruner.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::testing::TempDir;
using std::chrono::milliseconds;

namespace {

void add_history_row(Database& database, Queue& queue, const std::string& folder) {
  database.write([&](SqlConnection& sql) {
    queue.record_dropped(sql, {folder, "plex", folder, "filtered by a test", "filtered"},
                         now_millis());
  });
}

bool eventually_empty(Queue& queue) {
  for (int waited = 0; waited < 5000; waited += 10) {
    if (queue.history(10, 0).empty()) return true;
    std::this_thread::sleep_for(milliseconds(10));
  }
  return false;
}

}  // namespace

TEST_CASE("history rows older than history_retention are pruned while scanhookd runs",
          "[history]") {
  TempDir dir;
  Database database(dir / "queue.db");
  Queue queue(database, milliseconds(0));
  add_history_row(database, queue, "/tv/Before");
  HistoryPruner pruner(queue, milliseconds(1000));
  pruner.start();
  CHECK(queue.history(10, 0).size() == 1);  // younger than the retention at start: kept
  REQUIRE(eventually_empty(queue));
  // Long after start-up, a new row goes too.
  add_history_row(database, queue, "/tv/Later");
  CHECK(queue.history(10, 0).size() == 1);
  REQUIRE(eventually_empty(queue));
  pruner.stop();
}

TEST_CASE("the history is pruned at start, before start() returns", "[history]") {
  TempDir dir;
  Database database(dir / "queue.db");
  Queue queue(database, milliseconds(0));
  add_history_row(database, queue, "/tv/Old");
  std::this_thread::sleep_for(milliseconds(60));
  HistoryPruner pruner(queue, milliseconds(50));
  pruner.start();
  CHECK(queue.history(10, 0).empty());
}
