#include <catch2/catch.hpp>

#include "fakes/fake_arr.hpp"
#include "scanhook/support/http_client.hpp"
#include "scanhook/target.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::EventKind;
using scanhook::Status;
using scanhook::core::Role;
using scanhook::fakes::ArrCommand;
using scanhook::fakes::FakeArr;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;

namespace {

constexpr const char* kKey = "3f6c1e0a9b8d4c2e8f7a6b5c4d3e2f1a";

std::shared_ptr<scanhook::Target> make_target(const std::string& plugin, FakeArr& arr,
                                              RecordingHost& host) {
  return make<scanhook::Target>(plugin, Role::target,
                                {{"url", arr.url()}, {"token", kKey}, {"timeout", "2s"}}, host);
}

}  // namespace

TEST_CASE("sonarr as a target rescans the series that owns each folder, once per series",
          "[sonarr][arr_target]") {
  FakeArr sonarr(FakeArr::App::sonarr, kKey);
  sonarr.set_items(
      {{7, "Northern Lights", "/tv/Northern Lights (2019)"}, {12, "Harbour", "/tv/Harbour"}});
  RecordingHost host;
  auto target = make_target("sonarr", sonarr, host);

  const auto results =
      target->scan({{"/tv/Northern Lights (2019)/Season 02", EventKind::modified, 0},
                    {"/tv/Harbour", EventKind::modified, 0},
                    {"/tv/Northern Lights (2019)/Season 01", EventKind::modified, 0}});
  REQUIRE(results.size() == 3);
  for (const auto& result : results) CHECK(result.status == Status::ok);

  CHECK(sonarr.commands() == std::vector<ArrCommand>{{"RescanSeries", 7}, {"RescanSeries", 12}});
  const auto posts = sonarr.requests_to("POST", "/api/v3/command");
  REQUIRE(posts.size() == 2);
  CHECK(posts[0].body == R"({"name":"RescanSeries","seriesId":7})");
  CHECK(posts[0].header("X-Api-Key") == std::optional<std::string>(kKey));
  CHECK(sonarr.requests_to("GET", "/api/v3/series").size() == 1);
}

TEST_CASE("radarr as a target rescans the movie that owns the folder", "[radarr][arr_target]") {
  FakeArr radarr(FakeArr::App::radarr, kKey);
  radarr.set_items({{3, "Harbour Lights", "/movies/Harbour Lights (2021)"}});
  RecordingHost host;
  auto target = make_target("radarr", radarr, host);

  const auto results = target->scan({{"/movies/Harbour Lights (2021)", EventKind::modified, 0}});
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::ok);
  CHECK(radarr.commands() == std::vector<ArrCommand>{{"RescanMovie", 3}});
  CHECK(radarr.requests_to("POST", "/api/v3/command")[0].body ==
        R"({"name":"RescanMovie","movieId":3})");
}

TEST_CASE("a folder no series owns is rejected with the reason, and no command rescans them all",
          "[sonarr][arr_target]") {
  FakeArr sonarr(FakeArr::App::sonarr, kKey);
  sonarr.set_items({{7, "Northern Lights", "/tv/Northern Lights (2019)"}});
  RecordingHost host;
  auto target = make_target("sonarr", sonarr, host);

  // The root folder holds every series but is no series; "Northern" is a
  // prefix of a series folder's name, not that folder.
  const auto results =
      target->scan({{"/tv", EventKind::modified, 0}, {"/tv/Northern", EventKind::modified, 0}});
  REQUIRE(results.size() == 2);
  for (const auto& result : results) {
    CHECK(result.status == Status::rejected);
    CHECK_THAT(result.reason, Catch::Contains("is in no Sonarr series (Sonarr lists 1; none "
                                              "holds it)"));
  }
  CHECK(sonarr.commands().empty());
}

TEST_CASE("a Windows Sonarr's series owns folders whatever their case and separators",
          "[sonarr][arr_target]") {
  FakeArr sonarr(FakeArr::App::sonarr, kKey);
  sonarr.set_items({{42, "Breaking Point", R"(D:\TV\Breaking Point)"}});
  RecordingHost host;
  auto target = make_target("sonarr", sonarr, host);

  const auto results = target->scan({{"d:/tv/breaking point/Season 1", EventKind::modified, 0},
                                     {R"(D:\TV\Breaking Pointless)", EventKind::modified, 0}});
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == Status::ok);
  CHECK(results[1].status == Status::rejected);
  CHECK(sonarr.commands() == std::vector<ArrCommand>{{"RescanSeries", 42}});
}

TEST_CASE("a wrong API key pauses the sonarr target naming its token setting",
          "[sonarr][arr_target]") {
  FakeArr sonarr(FakeArr::App::sonarr, "another-key");
  sonarr.set_items({{7, "Northern Lights", "/tv/Northern Lights (2019)"}});
  RecordingHost host;
  auto target = make_target("sonarr", sonarr, host);

  const auto results =
      target->scan({{"/tv/Northern Lights (2019)/Season 02", EventKind::modified, 0}});
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::unavailable);
  CHECK_THAT(results[0].reason, Catch::Contains("401") && Catch::Contains("token"));
  CHECK(target->probe().status == Status::unavailable);
}

TEST_CASE("an *arr that fails the command with a 500 keeps the folder for a retry",
          "[radarr][arr_target]") {
  FakeArr radarr(FakeArr::App::radarr, kKey);
  radarr.set_items({{3, "Harbour Lights", "/movies/Harbour Lights (2021)"}});
  RecordingHost host;
  auto target = make_target("radarr", radarr, host);
  REQUIRE(target->probe().status == Status::ok);  // the list is read and kept

  radarr.fail_with(500);
  const auto results = target->scan({{"/movies/Harbour Lights (2021)", EventKind::modified, 0}});
  REQUIRE(results.size() == 1);
  CHECK(results[0].status == Status::retry);
  radarr.clear_failure();
  CHECK(target->scan({{"/movies/Harbour Lights (2021)", EventKind::modified, 0}})[0].status ==
        Status::ok);
  CHECK(radarr.commands() == std::vector<ArrCommand>{{"RescanMovie", 3}});
}

TEST_CASE("the fake *arr answers a blank or unknown command as the real one does",
          "[arr_target][fakes]") {
  // The target never sends these; the fake's error answers are pinned here.
  FakeArr sonarr(FakeArr::App::sonarr, kKey);
  const scanhook::support::HttpClient client(sonarr.url(), {});
  const scanhook::HeaderList auth{{"X-Api-Key", kKey}};
  CHECK(client.send("POST", "/api/v3/command", auth, R"({"name":""})", "application/json").status ==
        400);
  CHECK(
      client.send("POST", "/api/v3/command", auth, R"({"name":"RescanMovie"})", "application/json")
          .status == 500);
  CHECK(client.send("GET", "/api/v3/series").status == 401);
  const auto created = client.send("POST", "/api/v3/command", auth,
                                   R"({"name":"RescanSeries","seriesId":99})", "application/json");
  CHECK(created.status == 201);
  CHECK(created.header("Location") == std::optional<std::string>("/api/v3/command/1001"));
  CHECK(sonarr.commands() == std::vector<ArrCommand>{{"RescanSeries", 99}});
}
