#include <catch2/catch.hpp>

#include "fakes/fake_emby.hpp"
#include "scanhook/support/http_client.hpp"
#include "scanhook/target.hpp"
#include "scanhook/webhook_source.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::EventKind;
using scanhook::HttpRequest;
using scanhook::Status;
using scanhook::core::Role;
using scanhook::fakes::FakeEmby;
using scanhook::fakes::MediaUpdate;
using scanhook::testing::make;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;

namespace {

constexpr const char* kKey = "5d1e8c0f2a9b4c7d8e6f1a2b3c4d5e6f";

void standard_libraries(FakeEmby& emby) {
  emby.set_libraries(
      {{"3", "TV", "tvshows", {"/tv", "/tv-archive"}}, {"4", "Movies", "movies", {"/movies"}}});
}

std::shared_ptr<scanhook::Target> make_target(const std::string& url, RecordingHost& host) {
  return make<scanhook::Target>("emby", Role::target,
                                {{"url", url}, {"token", kKey}, {"timeout", "2s"}}, host);
}

HttpRequest webhook(const std::string& body, const std::string& content_type) {
  return {"POST", "/triggers/emby",
          {},     {{"Content-Type", content_type}, {"User-Agent", "Emby Server/4.8.10.0"}},
          body,   "127.0.0.1"};
}

}  // namespace

TEST_CASE("emby sends a batch in one Media/Updated call under /emby with X-Emby-Token", "[emby]") {
  FakeEmby emby(kKey);
  standard_libraries(emby);
  RecordingHost host;
  auto target = make_target(emby.url() + "/emby", host);

  const auto results = target->scan({{"/tv/Show/Season 1", EventKind::created, 0},
                                     {"/tv-archive/Old Show", EventKind::modified, 0},
                                     {"/movies/Film (2001)", EventKind::deleted, 0},
                                     {"/tvx/Stray", EventKind::modified, 0}});
  REQUIRE(results.size() == 4);
  CHECK(results[0].status == Status::ok);
  CHECK(results[1].status == Status::ok);
  CHECK(results[2].status == Status::ok);
  CHECK(results[3].status == Status::rejected);
  CHECK(results[3].reason ==
        "/tvx/Stray is in no Emby library (libraries: TV (/tv, /tv-archive); Movies (/movies))");

  const auto posts = emby.requests_to("POST", "/emby/Library/Media/Updated");
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].header("X-Emby-Token") == std::optional<std::string>(kKey));
  CHECK(emby.media_updates() ==
        std::vector<std::vector<MediaUpdate>>{{{"/tv/Show/Season 1", "Created"},
                                               {"/tv-archive/Old Show", "Modified"},
                                               {"/movies/Film (2001)", "Deleted"}}});
  CHECK(emby.requests_to("GET", "/emby/Library/SelectableMediaFolders").size() == 2);
}

TEST_CASE("an emby url without /emby pauses the target with a hint", "[emby]") {
  FakeEmby emby(kKey);
  standard_libraries(emby);
  RecordingHost host;
  auto target = make_target(emby.url(), host);
  const auto results = target->scan({{"/tv/Show", EventKind::modified, 0}});
  CHECK(results[0].status == Status::unavailable);
  CHECK(results[0].reason ==
        "Emby answered HTTP 404 on GET /Library/SelectableMediaFolders: is this the Emby server, "
        "or a proxy in front of it that is not ready? Emby serves its API under /emby: does url "
        "end with /emby (http://host:8096/emby)?");
  CHECK(emby.media_updates().empty());
}

TEST_CASE("emby probe checks the public info and the token", "[emby]") {
  FakeEmby emby("other");
  standard_libraries(emby);
  RecordingHost host;
  auto target = make_target(emby.url() + "/emby", host);
  const auto refused = target->probe();
  CHECK(refused.status == Status::unavailable);
  CHECK(refused.reason ==
        "Emby rejected the token (HTTP 401 on GET /Library/SelectableMediaFolders): "
        "check token in [target.emby]");
  CHECK(emby.requests_to("GET", "/emby/System/Info/Public").size() == 1);
  CHECK(host.logged("TOKEN REJECTED by Emby"));
  emby.set_api_key(kKey);
  CHECK(target->probe().status == Status::ok);

  emby.fail_with(503, 30);
  const auto busy = target->scan({{"/tv/Show", EventKind::modified, 0}});
  CHECK(busy[0].status == Status::retry);
  CHECK(busy[0].retry_after == std::chrono::seconds(30));
}

TEST_CASE("emby explains the library and the exact request", "[emby]") {
  FakeEmby emby(kKey);
  standard_libraries(emby);
  RecordingHost host;
  auto target = make_target(emby.url() + "/emby/", host);
  const auto explained = target->explain({"/movies/Film (2001)", EventKind::modified, 0});
  CHECK(explained.verdict.status == Status::ok);
  CHECK(explained.library == "Movies");
  REQUIRE(explained.requests.size() == 1);
  CHECK(explained.requests[0].method == "POST");
  CHECK(explained.requests[0].url == emby.url() + "/emby/Library/Media/Updated");
  CHECK(explained.requests[0].body ==
        R"j({"Updates":[{"Path":"/movies/Film (2001)","UpdateType":"Modified"}]})j");
  CHECK(explained.requests[0].body.find(kKey) == std::string::npos);
}

TEST_CASE("the fake emby accepts its three ways to send the key", "[emby][fakes]") {
  FakeEmby emby(kKey);
  scanhook::support::HttpClient client(emby.url(), {});
  CHECK(client.send("GET", "/emby/Library/SelectableMediaFolders").status == 401);
  CHECK(client.send("GET", "/emby/Library/SelectableMediaFolders?api_key=" + std::string(kKey))
            .status == 200);
  CHECK(client.send("GET", "/emby/Library/VirtualFolders", {{"X-Emby-Token", kKey}}).status == 200);
  CHECK(client
            .send("GET", "/emby/Library/VirtualFolders",
                  {{"X-Emby-Authorization",
                    "MediaBrowser Client=\"x\", Token=\"" + std::string(kKey) + "\""}})
            .status == 200);
  CHECK(client.send("GET", "/Library/VirtualFolders", {{"X-Emby-Token", kKey}}).status == 404);
}

TEST_CASE("emby webhooks: new and deleted items name their path", "[emby][webhook]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("emby", Role::source, {}, host);

  const auto added =
      source->handle(webhook(read_test_data("emby/4.9/library_new.json"), "application/json"));
  CHECK(added.status == 200);
  REQUIRE(added.events.size() == 1);
  CHECK(
      added.events[0].path ==
      "/tv/Northern Lights (2019)/Season 02/Northern Lights (2019) - S02E03 - The Long Night.mkv");
  CHECK(added.events[0].is_file);
  CHECK(added.events[0].kind == EventKind::created);

  const auto series = source->handle(
      webhook(read_test_data("emby/4.9/library_new_series.json"), "application/json"));
  REQUIRE(series.events.size() == 1);
  CHECK(series.events[0].path == "/tv/Northern Lights (2019)");
  CHECK_FALSE(series.events[0].is_file);

  const auto deleted = source->handle(
      webhook(read_test_data("emby/4.8/library_deleted.multipart"),
              "multipart/form-data; boundary=\"b6f1a7c2-3d4e-4f5a-8b9c-0d1e2f3a4b5c\""));
  CHECK(deleted.status == 200);
  REQUIRE(deleted.events.size() == 1);
  CHECK(deleted.events[0].path ==
        "/movies/Harbour Lights (2021)/Harbour Lights (2021) - 1080p.mkv");
  CHECK(deleted.events[0].kind == EventKind::deleted);
}

TEST_CASE("emby webhooks that change nothing are answered 2xx, broken ones 400",
          "[emby][webhook]") {
  RecordingHost host;
  auto source = make<scanhook::WebhookSource>("emby", Role::source, {}, host);

  const auto test = source->handle(
      webhook(read_test_data("emby/4.9/notification_test.json"), "application/json"));
  CHECK(test.status == 200);
  CHECK(test.events.empty());
  CHECK(test.message == "test notification received");

  const auto playback =
      source->handle(webhook(read_test_data("emby/4.9/playback_start.json"), "application/json"));
  CHECK(playback.status == 200);
  CHECK(playback.events.empty());
  CHECK(playback.message == "playback.start changes no files");

  const auto no_path = source->handle(
      webhook(R"j({"Event":"library.new","Item":{"Name":"x"}})j", "application/json"));
  CHECK(no_path.status == 400);
  CHECK(no_path.message == "library.new without Item.Path");
  CHECK(no_path.keep_as_dead_letter);

  const auto no_data = source->handle(webhook("other=1", "application/x-www-form-urlencoded"));
  CHECK(no_data.status == 400);
  CHECK(no_data.message == "the form has no field \"data\" with Emby's JSON");

  const auto not_json = source->handle(webhook("<html/>", "application/json"));
  CHECK(not_json.status == 400);
  CHECK(not_json.message == "the body is not Emby's JSON object");
}

TEST_CASE("an emby source takes no server settings", "[emby][webhook]") {
  RecordingHost host;
  CHECK_THROWS_WITH(make<scanhook::WebhookSource>("emby", Role::source,
                                                  {{"url", "http://127.0.0.1:8096/emby"}}, host),
                    Catch::Matchers::Contains("[source.emby] url: unknown key"));
}
