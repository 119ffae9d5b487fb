// The dead-letter routes on a real SQLite dead-letter store and a fake of
// the webhook sources that replays run through.
#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/dead_letters.hpp"
#include "scanhook/core/web/dead_letter_routes.hpp"
#include "support/fake_pipeline.hpp"
#include "support/route_call.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;
using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::testing::TempDir;

namespace {

struct LettersRig {
  LettersRig() {
    sources.sources["sonarr"];
    add_dead_letter_routes(router, letters, sources, [this] { ++changes; });
  }

  std::int64_t keep(const std::string& source, const std::string& body) {
    HttpRequest request{
        "POST",
        "/triggers/" + source,
        {{"a", "1"}},
        {{"Content-Type", "application/json"}, {"X-Event", "one"}, {"X-Event", "two"}},
        body,
        "127.0.0.1:1"};
    return *letters.keep(source, request, "not understood", 1000);
  }

  HttpReply call(const std::string& method, const std::string& path,
                 scanhook::HeaderList query = {}) {
    return scanhook::testing::call_route(router,
                                         {method, path, std::move(query), {}, "", "127.0.0.1:1"});
  }

  TempDir dir;
  Database database{dir / "db"};
  DeadLetters letters{database, 10, 1 << 20};
  scanhook::testing::FakeWebhookSources sources;
  Router router;
  int changes = 0;
};

}  // namespace

TEST_CASE("the dead letters are listed as JSON, a repeated header once with its last value",
          "[deadletters][routes][json]") {
  LettersRig rig;
  rig.keep("sonarr", "{\"bad\": \xff}");
  const auto listed = rig.call("GET", "/api/deadletters");
  CHECK(listed.status == 200);
  CHECK(listed.content_type == "application/json");
  CHECK(listed.body ==
        "{\"dead_letters\":[{\"id\":1,\"source\":\"sonarr\",\"received_at\":1000,"
        "\"error\":\"not understood\",\"attempts\":1,"
        "\"headers\":{\"Content-Type\":\"application/json\",\"X-Event\":\"two\"},"
        "\"query\":[[\"a\",\"1\"]],\"body_bytes\":10,"
        "\"body_preview\":\"{\\\"bad\\\": \xef\xbf\xbd}\",\"body_preview_cut\":false}],"
        "\"unreadable_rows\":0}");
  CHECK(rig.call("GET", "/api/deadletters", {{"limit", "0"}}).status == 400);
  // Found by a new-user trial: an unknown parameter was ignored (200).
  const auto typo = rig.call("GET", "/api/deadletters", {{"limt", "5"}});
  CHECK(typo.status == 400);
  CHECK_THAT(typo.body, Contains(R"(unknown parameter \"limt\" (did you mean 'limit'?))"));
}

TEST_CASE("a replay that succeeds removes the letter, and one that fails again keeps it, counted",
          "[deadletters][routes]") {
  LettersRig rig;
  const auto first = rig.keep("sonarr", "{}");
  auto& answer = rig.sources.sources["sonarr"].answer;
  answer = {scanhook::json_error(400, "still bad"), false, "still bad", true};
  const auto failed = rig.call("POST", "/api/deadletters/" + std::to_string(first) + "/replay");
  CHECK(failed.status == 400);
  CHECK(failed.body == R"({"error":"still bad","dead_letter":1})");
  CHECK(rig.letters.find(first)->attempts == 2);
  answer = {{200, "application/json", R"({"queued":1})", {}}, true, "", false};
  CHECK(rig.call("POST", "/api/deadletters/1/replay").body == R"({"queued":1})");
  CHECK_FALSE(rig.letters.find(first));
  CHECK(rig.sources.rerun_bodies == std::vector<std::string>{"sonarr {}", "sonarr {}"});
  CHECK(rig.changes == 2);
}

TEST_CASE("a replay sends the source the exact header, query and body bytes the letter was given",
          "[deadletters][routes]") {
  LettersRig rig;
  // A body far longer than the listing's preview, with bytes that are not UTF-8.
  std::string body(300 * 1024, 'x');
  body.replace(1000, 3, std::string("\xff\x00\xfe", 3));
  const HttpRequest received{"POST",
                             "/triggers/sonarr",
                             {{"a", "\xff%"}},
                             {{"Content-Type", "application/json"},
                              {"X-Raw", "\x80\x9f\xa0\xff caf\xc3\xa9"},
                              {"X-Quoted", "a \"quoted\" \\ back\\slash"}},
                             body,
                             "127.0.0.1:1"};
  REQUIRE(rig.letters.keep("sonarr", received, "not understood", 1000));
  CHECK(rig.call("POST", "/api/deadletters/1/replay").status == 200);
  REQUIRE(rig.sources.reruns.size() == 1);
  CHECK(rig.sources.reruns[0].headers == received.headers);
  CHECK(rig.sources.reruns[0].query == received.query);
  CHECK(rig.sources.reruns[0].body == body);
}

TEST_CASE("a replay or deletion names what is wrong with its id or letter",
          "[deadletters][routes]") {
  LettersRig rig;
  rig.keep("gone", "{}");
  CHECK(rig.call("POST", "/api/deadletters/x/replay").body ==
        R"({"error":"a dead letter id is a positive whole number, not \"x\""})");
  CHECK(rig.call("POST", "/api/deadletters/7/replay").body == R"({"error":"no dead letter 7"})");
  const auto orphan = rig.call("POST", "/api/deadletters/1/replay");
  CHECK(orphan.status == 409);
  CHECK_THAT(orphan.body, Contains("the source gone is no longer a configured webhook source"));
  CHECK(rig.call("DELETE", "/api/deadletters/0").status == 400);
  CHECK(rig.call("DELETE", "/api/deadletters/7").status == 404);
  CHECK(rig.call("DELETE", "/api/deadletters/1").body == R"({"deleted":1})");
  CHECK(rig.call("DELETE", "/api/deadletters/1").status == 404);
  CHECK(rig.sources.rerun_bodies.empty());
  CHECK(rig.changes == 1);
}

TEST_CASE("a listed body is only its size and a preview cut between characters, marked as cut",
          "[deadletters][routes][json]") {
  LettersRig rig;
  // A 3-byte character straddles the preview's end; the body runs on for 512 KiB.
  std::string body(DeadLetterStore::kBodyStartBytes - 2, 'a');
  body += "\xe2\x9c\x93";
  body += std::string(1 << 19, 'b');
  rig.keep("sonarr", body);
  const auto listed = rig.call("GET", "/api/deadletters");
  CHECK(listed.status == 200);
  CHECK(listed.body.size() < 1024);
  CHECK_THAT(listed.body,
             Contains("\"body_bytes\":" + std::to_string(body.size()) + ",\"body_preview\":\"" +
                      std::string(DeadLetterStore::kBodyStartBytes - 2, 'a') +
                      "\",\"body_preview_cut\":true}"));
}

TEST_CASE("one dead letter is given whole, bytes that are not UTF-8 as base64, or 404 naming it",
          "[deadletters][routes][json]") {
  LettersRig rig;
  const HttpRequest received{"POST",
                             "/triggers/sonarr",
                             {{"a", "\xff"}},
                             {{"Content-Type", "application/json"}, {"X-Raw", "caf\xe9"}},
                             "{\"bad\": \xff\xfe}",
                             "127.0.0.1:1"};
  REQUIRE(rig.letters.keep("sonarr", received, "not understood", 1000));
  rig.keep("sonarr", "{\"plain\": \"text\"}");
  const auto raw = rig.call("GET", "/api/deadletters/1");
  CHECK(raw.status == 200);
  // base64 of 63 61 66 e9 ("caf\xe9"), of ff, and of 7b 22 62 61 64 22 3a 20 ff fe 7d.
  CHECK(
      raw.body ==
      R"({"id":1,"source":"sonarr","received_at":1000,"error":"not understood","attempts":1,)"
      R"("headers":[["Content-Type","application/json"],["X-Raw",{"base64":"Y2Fm6Q=="}]],)"
      R"("query":[["a",{"base64":"/w=="}]],"body_bytes":11,"body":{"base64":"eyJiYWQiOiD//n0="}})");
  const auto text = rig.call("GET", "/api/deadletters/2");
  CHECK_THAT(text.body, Contains(R"("body_bytes":17,"body":"{\"plain\": \"text\"}"})"));
  CHECK(rig.call("GET", "/api/deadletters/3").body == R"({"error":"no dead letter 3"})");
  CHECK(rig.call("GET", "/api/deadletters/3").status == 404);
  CHECK(rig.call("GET", "/api/deadletters/x").status == 400);
}
