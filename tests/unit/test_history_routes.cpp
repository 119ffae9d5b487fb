// /api/history and its retry on a real SQLite queue: a rejected folder goes
// back to its target's queue, once, while the target is configured.
#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/web/history_routes.hpp"
#include "support/route_call.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;
using scanhook::EventKind;
using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::Result;
using scanhook::testing::TempDir;

namespace {

struct HistoryRig {
  explicit HistoryRig(std::map<std::string, std::string> configs = {{"plex", "fp1"}}) {
    add_history_routes(router, queue, std::move(configs), [this] { ++requeued; });
  }

  // `folder` delivered to plex with `result`, as the dispatcher records it.
  void deliver(const std::string& folder, Result result) {
    database.write([&](SqlConnection& sql) {
      queue.enqueue(sql, {folder, EventKind::modified, 0, "sonarr", {"plex"}}, 10);
    });
    const auto due = queue.due("plex", 20, 10, {});
    REQUIRE(due.size() == 1);
    database.write([&](SqlConnection& sql) {
      queue.record(sql, {"plex", due[0], due[0].path, result, 20, 25, 0, "fp1"});
    });
  }

  HttpReply call(const std::string& method, const std::string& path) {
    CHECK(router.find(method, path).route->access == Access::user);
    return scanhook::testing::call_route(router, {method, path, {}, {}, "", "127.0.0.1:1"});
  }

  TempDir dir;
  Database database{dir / "q.db"};
  Queue queue{database, std::chrono::milliseconds(0)};
  Router router;
  int requeued = 0;
};

}  // namespace

TEST_CASE("a rejected folder is retried, back in its target's queue, and its row says when",
          "[history][routes]") {
  HistoryRig rig;
  rig.deliver("/tv/A", Result::rejected("no library holds it"));
  CHECK_THAT(rig.call("GET", "/api/history").body,
             Contains(R"("outcome":"rejected",)") &&
                 Contains(R"("retryable":true,"config_changed":false,)"));
  CHECK(rig.queue.folder_count() == 0);
  CHECK(rig.call("POST", "/api/history/1/retry").body ==
        R"({"id":1,"target":"plex","queued":true})");
  CHECK(rig.queue.folder_count() == 1);
  CHECK(rig.requeued == 1);
  CHECK_THAT(rig.call("GET", "/api/history").body, !Contains(R"("retried_at":0,)"));
}

TEST_CASE("a retry names what is wrong with its id or its row", "[history][routes]") {
  HistoryRig rig;
  rig.deliver("/tv/A", Result::ok());
  CHECK(rig.call("POST", "/api/history/x/retry").body ==
        R"({"error":"a history id is a positive whole number, not \"x\""})");
  CHECK(rig.call("POST", "/api/history/9/retry").body == R"({"error":"no history entry 9"})");
  CHECK(rig.call("POST", "/api/history/1/retry").body ==
        R"({"error":"history entry 1 was not rejected: only a rejected folder is retried"})");
  HistoryRig gone(std::map<std::string, std::string>{});
  gone.deliver("/tv/B", Result::rejected("no"));
  CHECK_THAT(gone.call("POST", "/api/history/1/retry").body,
             Contains("the target plex is no longer configured"));
  CHECK(gone.requeued == 0);
}

TEST_CASE("a row the source's own filter dropped (no target) is found, and not retried",
          "[history][routes]") {
  HistoryRig rig;
  rig.database.write([&](SqlConnection& sql) {
    rig.queue.record_dropped(
        sql, {"/tv/Sample", "", "", "excluded by the source", "filtered", "sonarr"}, 10);
  });
  CHECK(rig.queue.history_target(1) == std::optional<std::string>(""));
  CHECK(rig.call("POST", "/api/history/1/retry").body ==
        R"({"error":"history entry 1 was not rejected: only a rejected folder is retried"})");
  CHECK(rig.requeued == 0);
}
