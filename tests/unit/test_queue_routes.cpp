// /api/queue and /api/targets on a real SQLite queue and a fake of what the
// dispatcher tells of its targets.
#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/web/queue_routes.hpp"
#include "support/route_call.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;
using scanhook::EventKind;
using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::Stage;
using scanhook::testing::TempDir;

namespace {

struct FakeStatus final : DeliveryStatus {
  std::vector<TargetState> states() override { return targets; }
  std::optional<std::string> blocked_reason() const override { return blocked; }

  std::vector<TargetState> targets;
  std::optional<std::string> blocked;
};

struct QueueRig {
  QueueRig() { add_queue_routes(router, queue, status); }

  HttpReply call(const std::string& path, scanhook::HeaderList query = {}) {
    CHECK(router.find("GET", path).route->access == Access::user);
    return scanhook::testing::call_route(router,
                                         {"GET", path, std::move(query), {}, "", "127.0.0.1:1"});
  }

  TempDir dir;
  Database database{dir / "q.db"};
  Queue queue{database, std::chrono::milliseconds(0)};
  FakeStatus status;
  Router router;
};

}  // namespace

TEST_CASE("/api/queue pages the queued folders with their deliveries", "[queue][routes][json]") {
  QueueRig rig;
  rig.queue.add_events({{"/tv/A", EventKind::modified, 2, "sonarr", {"plex"}},
                        {"/tv/B \"quoted\"", EventKind::deleted, 0, "manual", {"plex", "emby"}}},
                       {}, 1000);
  rig.status.blocked = "the anchor /mnt/media/.anchor is missing";
  const auto reply = rig.call("/api/queue", {{"limit", "1"}, {"offset", "1"}});
  CHECK(reply.status == 200);
  CHECK_THAT(reply.body,
             Contains(R"({"total":2,"limit":1,"offset":1,)"
                      R"("blocked":"the anchor /mnt/media/.anchor is missing","folders":[{)"));
  CHECK_THAT(reply.body, Contains(R"("unreadable_rows":0})"));
  // One folder on the page, with one delivery per target.
  const bool a = reply.body.find(R"("path":"/tv/A")") != std::string::npos;
  const bool b = reply.body.find(R"("path":"/tv/B \"quoted\"")") != std::string::npos;
  CHECK(a != b);
  CHECK_THAT(reply.body, Contains(R"("deliveries":[{"target":)"));
  CHECK(rig.call("/api/queue", {{"offset", "-1"}}).body ==
        R"({"error":"offset must be a whole number from 0, not \"-1\""})");
}

TEST_CASE("/api/queue refuses a parameter it does not take, naming the near one",
          "[queue][routes][json]") {
  QueueRig rig;
  rig.queue.add_events({{"/tv/A", EventKind::modified, 2, "sonarr", {"plex"}}}, {}, 1000);
  const auto typo = rig.call("/api/queue", {{"limt", "5"}});
  CHECK(typo.status == 400);
  CHECK(typo.body == R"({"error":"unknown parameter \"limt\" (did you mean 'limit'?); )"
                     R"(the queue takes limit and offset"})");
  CHECK(rig.call("/api/queue", {{"path", "/tv/A"}}).status == 400);
  CHECK(rig.call("/api/queue", {{"limit", "5"}}).status == 200);
}

// Found by a new-user trial: the README's table says every listing refuses
// a parameter it does not take; /api/targets answered 200.
TEST_CASE("/api/targets refuses any parameter, naming it", "[queue][routes][json]") {
  QueueRig rig;
  const auto bogus = rig.call("/api/targets", {{"bogus", "1"}});
  CHECK(bogus.status == 400);
  CHECK(bogus.body ==
        R"({"error":"unknown parameter \"bogus\"; /api/targets takes no parameters"})");
  CHECK(rig.call("/api/targets").status == 200);
}

TEST_CASE("/api/targets shows each target's state, blocked over paused over running",
          "[queue][routes][json]") {
  QueueRig rig;
  TargetState plex;
  plex.name = "plex";
  plex.last_error = "refused";
  plex.last_error_at = 1700000000000;
  plex.last_error_past = true;  // a batch went through since
  plex.paused = true;
  TargetState rclone;
  rclone.name = "rclone";
  rclone.stage = Stage::prepare;
  rclone.queued = 3;
  rig.status.targets = {plex, rclone};
  CHECK(rig.call("/api/targets").body ==
        R"({"targets":[{"name":"plex","stage":"scan","state":"paused","paused":true,"blocked":"",)"
        R"("last_error":"refused","last_error_at":1700000000000,"last_error_past":true,)"
        R"("next_attempt":0,"last_delivery":0,"queued":0,)"
        R"("failing_since":0,"last_answer":0,"failing_seconds":0},)"
        R"({"name":"rclone","stage":"prepare","state":"running","paused":false,"blocked":"",)"
        R"("last_error":"","last_error_at":0,"last_error_past":false,)"
        R"("next_attempt":0,"last_delivery":0,"queued":3,)"
        R"("failing_since":0,"last_answer":0,"failing_seconds":0}]})");
  rig.status.blocked = "no anchor";
  CHECK_THAT(rig.call("/api/targets").body,
             Contains(R"("state":"blocked","paused":true,"blocked":"no anchor")"));
}
