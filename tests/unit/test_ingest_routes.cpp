// The ingest routes on fakes of what they depend on (EventSink,
// WebhookSources): what each route hands on, and every refusal it answers
// itself. Access is the HTTP server's (test_access_levels.cpp); the routes
// over the real pipeline: test_engine.cpp.
#include <catch2/catch.hpp>

#include "scanhook/core/web/ingest_routes.hpp"
#include "support/fake_pipeline.hpp"
#include "support/route_call.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;
using scanhook::HttpReply;
using scanhook::HttpRequest;

namespace {

const std::string kHash = std::string(64, 'a');

struct IngestRig {
  explicit IngestRig(std::int64_t max_paths = 10) {
    sources.sources["sonarr"].token = "t0ken";
    sources.sources["rclone"].webhook = false;
    add_ingest_routes(router, sink, sources, max_paths);
  }

  HttpReply call(const std::string& method, const std::string& path, const std::string& body = "",
                 scanhook::HeaderList query = {}, scanhook::HeaderList headers = {}) {
    return scanhook::testing::call_route(
        router, {method, path, std::move(query), std::move(headers), body, "127.0.0.1:1"});
  }

  scanhook::testing::FakeEventSink sink;
  scanhook::testing::FakeWebhookSources sources;
  Router router;
};

}  // namespace

TEST_CASE("a webhook is delivered to its source, and the credential is the source's token",
          "[ingest][routes]") {
  IngestRig rig;
  const auto reply = rig.call("PUT", "/triggers/sonarr", "{\"eventType\":\"Test\"}");
  CHECK(reply.body == R"({"ran":true})");
  CHECK(rig.sources.delivered ==
        std::vector<std::string>{"sonarr PUT /triggers/sonarr {\"eventType\":\"Test\"}"});
  const auto route = rig.router.find("POST", "/triggers/sonarr");
  REQUIRE(route.route->access == Access::webhook);
  const auto credential = route.route->credential(route.params);
  REQUIRE(credential);
  CHECK(credential->source == "sonarr");
  CHECK(credential->token == "t0ken");
  const auto manual = rig.router.find("POST", "/triggers/manual");
  CHECK(manual.route->credential(manual.params)->token.empty());
  CHECK(rig.router.find("POST", "/api/scan").route->access == Access::user);
}

TEST_CASE("an unknown or polled source's webhook route says so, delivering nothing",
          "[ingest][routes]") {
  IngestRig rig;
  CHECK(rig.call("POST", "/triggers/sonar").body ==
        R"j({"error":"no webhook source named \"sonar\" (did you mean 'sonarr'?)"})j");
  const auto route = rig.router.find("POST", "/triggers/sonar");
  CHECK_FALSE(route.route->credential(route.params));  // nothing to check: the 404 says why
  const auto polled = rig.call("POST", "/triggers/rclone");
  CHECK(polled.status == 405);
  CHECK(polled.body == R"({"error":"the source rclone is polled: it takes no webhooks"})");
  CHECK(rig.sources.delivered.empty());
}

TEST_CASE("the manual trigger queues folders and one file with its hash as the manual source",
          "[ingest][routes]") {
  IngestRig rig;
  rig.sink.checks = true;
  const auto form = rig.call("GET", "/triggers/manual");
  CHECK(form.content_type == "text/html; charset=utf-8");
  CHECK_THAT(form.body, Contains(R"(<form method="post" action="/triggers/manual">)"));
  CHECK(rig.call("POST", "/triggers/manual", "dir=%2Ftv%2FC", {{"dir", "/tv/B"}},
                 {{"Content-Type", "application/x-www-form-urlencoded"}})
            .body == R"({"queued":2,"merged":0,"filtered":0})");
  CHECK(
      rig.call("POST", "/triggers/manual", "", {{"file", "/tv/D/e.mkv"}, {"hash", kHash}}).status ==
      200);
  REQUIRE(rig.sink.calls.size() == 2);
  CHECK(rig.sink.calls[0].source == "manual");
  REQUIRE(rig.sink.calls[0].events.size() == 2);
  CHECK(rig.sink.calls[0].events[0].path == "/tv/B");
  CHECK(rig.sink.calls[0].events[1].path == "/tv/C");
  CHECK_FALSE(rig.sink.calls[0].events[0].is_file);
  CHECK(rig.sink.calls[1].events.at(0).is_file);
  CHECK(rig.sink.calls[1].sha256 == std::vector<std::string>{kHash});
}

TEST_CASE("the manual trigger refuses what it cannot queue, queueing nothing", "[ingest][routes]") {
  IngestRig rig(2);
  CHECK(
      rig.call("POST", "/triggers/manual").body ==
      R"j({"error":"give at least one folder: ?dir=/path (repeatable), or a file: ?file=/path/x.mkv"})j");
  CHECK_THAT(rig.call("POST", "/triggers/manual", "dir=%zz", {},
                      {{"Content-Type", "application/x-www-form-urlencoded"}})
                 .body,
             Contains("the form body is not valid URL encoding"));
  CHECK_THAT(
      rig.call("POST", "/triggers/manual", "", {{"file", "/a"}, {"file", "/b"}, {"hash", kHash}})
          .body,
      Contains("give exactly one file with it"));
  CHECK_THAT(rig.call("POST", "/triggers/manual", "", {{"file", "/a"}, {"hash", "xyz"}}).body,
             Contains("hash: "));
  // No target checks files: a hash would be ignored, so it is refused.
  CHECK_THAT(rig.call("POST", "/triggers/manual", "", {{"file", "/a"}, {"hash", kHash}}).body,
             Contains("only checked by a target with require_exists = true"));
  const auto many =
      rig.call("POST", "/triggers/manual", "", {{"dir", "/a"}, {"dir", "/b"}, {"dir", "/c"}});
  CHECK(many.status == 413);
  CHECK_THAT(many.body, Contains("max_paths_per_request"));
  CHECK(rig.sink.calls.empty());
}

TEST_CASE("/api/scan reads paths and files from its JSON body as the api source",
          "[ingest][routes][json]") {
  IngestRig rig;
  rig.sink.checks = true;
  const auto reply =
      rig.call("POST", "/api/scan",
               R"({"paths": ["/tv/A", "/tv/B"], "files": [{"path": "/tv/C/d.mkv", "hash": ")" +
                   kHash + R"("}]})");
  CHECK(reply.body == R"({"queued":3,"merged":0,"filtered":0})");
  REQUIRE(rig.sink.calls.size() == 1);
  const auto& call = rig.sink.calls[0];
  CHECK(call.source == "api");
  REQUIRE(call.events.size() == 3);
  CHECK(call.events[2].path == "/tv/C/d.mkv");
  CHECK(call.events[2].is_file);
  CHECK(call.sha256 == std::vector<std::string>{"", "", kHash});
}

TEST_CASE("/api/scan refuses a body it cannot read, saying what is wrong",
          "[ingest][routes][json]") {
  IngestRig rig(2);
  CHECK_THAT(rig.call("POST", "/api/scan", "{").body, Contains("the body is not valid JSON"));
  CHECK(rig.call("POST", "/api/scan", "[]").body ==
        R"({"error":"the body must be a JSON object"})");
  const std::string empty =
      R"j({"error":"\"paths\" must be a non-empty array of absolute paths (or \"files\" an array of {\"path\": ..., \"hash\": sha256})"})j";
  CHECK(rig.call("POST", "/api/scan", R"({"paths": []})").body == empty);
  CHECK(rig.call("POST", "/api/scan", R"({"paths": "/tv/A"})").body == empty);
  CHECK(rig.call("POST", "/api/scan", R"({"paths": ["/a"], "files": {}})").body == empty);
  CHECK(rig.call("POST", "/api/scan", R"({"paths": ["/a", 3]})").body ==
        R"({"error":"\"paths\"[1] must be a string"})");
  CHECK_THAT(rig.call("POST", "/api/scan", R"({"files": [{"hash": "x"}]})").body,
             Contains(R"(\"files\"[0] must be {\"path\")"));
  CHECK_THAT(rig.call("POST", "/api/scan", R"({"files": [{"path": "/a", "hash": 7}]})").body,
             Contains(R"(\"files\"[0].hash: )"));
  CHECK_THAT(
      rig.call("POST", "/api/scan", R"({"files": [{"path": "/a", "hash": ")" + kHash + R"("}]})")
          .body,
      Contains("only checked by a target with require_exists"));
  CHECK(rig.call("POST", "/api/scan", R"({"paths": ["/a", "/b", "/c"]})").status == 413);
  CHECK(rig.sink.calls.empty());
}

TEST_CASE("an ingest route answers the sink's refusal or failure as its status",
          "[ingest][routes]") {
  IngestRig rig;
  rig.sink.next = {400, "the path is relative", 0, 0, 0};
  CHECK(rig.call("POST", "/api/scan", R"({"paths": ["tv"]})").body ==
        R"({"error":"the path is relative"})");
  rig.sink.next = {503, "could not make the events durable", 0, 0, 0};
  const auto reply = rig.call("POST", "/triggers/manual", "", {{"dir", "/tv/A"}});
  CHECK(reply.status == 503);
  CHECK(reply.body == R"({"error":"could not make the events durable"})");
}
