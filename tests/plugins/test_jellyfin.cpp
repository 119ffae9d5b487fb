#include <catch2/catch.hpp>

#include "fakes/fake_jellyfin.hpp"
#include "scanhook/support/http_client.hpp"
#include "scanhook/target.hpp"
#include "scanhook/webhook_source.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::EventKind;
using scanhook::HttpRequest;
using scanhook::ScanFolder;
using scanhook::Status;
using scanhook::core::Role;
using scanhook::fakes::FakeItem;
using scanhook::fakes::FakeJellyfin;
using scanhook::fakes::MediaUpdate;
using scanhook::testing::make;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;

namespace {

constexpr const char* kKey = "0f5e3a8c1b2d4e6f8a9b0c1d2e3f4a5b";

void standard_libraries(FakeJellyfin& jellyfin) {
  jellyfin.set_libraries(
      {{"f137a2dd21bbc1b99aa5c0f6bf02a805", "Shows", "tvshows", {"/tv", "/media/anime"}},
       {"7e64e319657a9516ec78490da03edccb", "Movies", "movies", {"/movies"}}});
}

std::shared_ptr<scanhook::Target> make_target(FakeJellyfin& jellyfin, RecordingHost& host,
                                              const std::string& timeout = "2s") {
  return make<scanhook::Target>("jellyfin", Role::target,
                                {{"url", jellyfin.url()}, {"token", kKey}, {"timeout", timeout}},
                                host);
}

std::shared_ptr<scanhook::WebhookSource> make_source(FakeJellyfin& jellyfin, RecordingHost& host) {
  return make<scanhook::WebhookSource>("jellyfin", Role::source,
                                       {{"url", jellyfin.url()}, {"server_token", kKey}}, host);
}

HttpRequest webhook(const std::string& body) {
  return {
      "POST",
      "/triggers/jellyfin",
      {},
      {{"Content-Type", "text/plain; charset=utf-8"}, {"User-Agent", "Jellyfin-Server/10.10.7"}},
      body,
      "127.0.0.1"};
}

}  // namespace

TEST_CASE("jellyfin sends every folder of a batch in one Media/Updated call", "[jellyfin]") {
  FakeJellyfin jellyfin(kKey);
  standard_libraries(jellyfin);
  RecordingHost host;
  auto target = make_target(jellyfin, host);

  const auto results =
      target->scan({{"/tv/Northern Lights (2019)/Season 02", EventKind::created, 0},
                    {"/movies/Harbour Lights (2021)", EventKind::deleted, 0},
                    {"/media/anime/Kaze", EventKind::modified, 0}});
  REQUIRE(results.size() == 3);
  for (const auto& result : results) CHECK(result.status == Status::ok);

  const auto posts = jellyfin.requests_to("POST", "/Library/Media/Updated");
  REQUIRE(posts.size() == 1);
  CHECK(posts[0].body ==
        R"j({"Updates":[{"Path":"/tv/Northern Lights (2019)/Season 02","UpdateType":"Created"},)j"
        R"j({"Path":"/movies/Harbour Lights (2021)","UpdateType":"Deleted"},)j"
        R"j({"Path":"/media/anime/Kaze","UpdateType":"Modified"}]})j");
  CHECK(posts[0].header("Authorization") == "MediaBrowser Token=\"" + std::string(kKey) + "\"");
  CHECK(posts[0].header("Content-Type") == std::optional<std::string>("application/json"));
  REQUIRE(jellyfin.media_updates().size() == 1);
  CHECK(jellyfin.media_updates()[0].size() == 3);
  CHECK(jellyfin.requests_to("GET", "/Library/VirtualFolders").size() == 1);
}

TEST_CASE("jellyfin rejects folders outside every library and library roots, and sends the rest",
          "[jellyfin]") {
  FakeJellyfin jellyfin(kKey);
  standard_libraries(jellyfin);
  RecordingHost host;
  auto target = make_target(jellyfin, host);

  const auto results = target->scan({{"/tv2/Other Show", EventKind::modified, 0},
                                     {"/tv", EventKind::modified, 0},
                                     {"/tv/Show", EventKind::modified, 0}});
  REQUIRE(results.size() == 3);
  CHECK(results[0].status == Status::rejected);
  CHECK(results[0].reason ==
        "/tv2/Other Show is in no Jellyfin library (libraries: Shows (/tv, /media/anime); Movies "
        "(/movies))");
  CHECK(results[1].status == Status::rejected);
  CHECK(results[1].reason ==
        "/tv is the root of the Jellyfin library \"Shows\": a partial scan "
        "there would rescan the whole library");
  CHECK(results[2].status == Status::ok);
  REQUIRE(jellyfin.media_updates().size() == 1);
  CHECK(jellyfin.media_updates()[0] == std::vector<MediaUpdate>{{"/tv/Show", "Modified"}});
  // The stray folder read the library list once more (a library may have been added).
  CHECK(jellyfin.requests_to("GET", "/Library/VirtualFolders").size() == 2);
}

TEST_CASE("jellyfin reads the libraries again when a folder matches none of them", "[jellyfin]") {
  FakeJellyfin jellyfin(kKey);
  standard_libraries(jellyfin);
  RecordingHost host;
  auto target = make_target(jellyfin, host);
  CHECK(target->scan({{"/tv/Show", EventKind::modified, 0}})[0].status == Status::ok);

  jellyfin.set_libraries({{"1", "Shows", "tvshows", {"/tv"}}, {"2", "Music", "music", {"/music"}}});
  const auto results = target->scan({{"/music/Artist/Album", EventKind::created, 0}});
  CHECK(results[0].status == Status::ok);
  CHECK(jellyfin.requests_to("GET", "/Library/VirtualFolders").size() == 2);
  CHECK(jellyfin.media_updates().back() ==
        std::vector<MediaUpdate>{{"/music/Artist/Album", "Created"}});
}

TEST_CASE("jellyfin starts while the server is down and scans once it is back", "[jellyfin]") {
  FakeJellyfin jellyfin(kKey);
  standard_libraries(jellyfin);
  jellyfin.set_down(true);
  RecordingHost host;
  auto target = make_target(jellyfin, host);

  const auto down = target->scan(
      {{"/tv/Show", EventKind::modified, 0}, {"/movies/Film", EventKind::modified, 0}});
  REQUIRE(down.size() == 2);
  CHECK(down[0].status == Status::unavailable);
  CHECK(down[1].status == Status::unavailable);
  CHECK_THAT(down[0].reason, Catch::Matchers::StartsWith("Jellyfin did not answer: "));
  CHECK(target->probe().status == Status::unavailable);

  jellyfin.set_down(false);
  CHECK(target->probe().status == Status::ok);
  CHECK(target->scan({{"/tv/Show", EventKind::modified, 0}})[0].status == Status::ok);
}

TEST_CASE("jellyfin maps a rejected token to unavailable and says so loudly, once", "[jellyfin]") {
  FakeJellyfin jellyfin("another-key");
  standard_libraries(jellyfin);
  RecordingHost host;
  auto target = make_target(jellyfin, host);

  const auto first = target->scan({{"/tv/Show", EventKind::modified, 0}});
  CHECK(first[0].status == Status::unavailable);
  CHECK(first[0].reason ==
        "Jellyfin rejected the token (HTTP 401 on GET /Library/VirtualFolders): "
        "check token in [target.jellyfin]");
  const auto probe = target->probe();
  CHECK(probe.status == Status::unavailable);
  CHECK(probe.reason == first[0].reason);
  std::size_t loud = 0;
  for (const auto& [level, line] : host.logs())
    if (level == scanhook::LogLevel::error &&
        line.find("TOKEN REJECTED by Jellyfin") != std::string::npos)
      ++loud;
  CHECK(loud == 1);

  jellyfin.set_api_key(kKey);
  CHECK(target->probe().status == Status::ok);
}

TEST_CASE("jellyfin retries on 429 and 5xx, honouring Retry-After", "[jellyfin]") {
  FakeJellyfin jellyfin(kKey);
  standard_libraries(jellyfin);
  RecordingHost host;
  auto target = make_target(jellyfin, host);
  REQUIRE(target->probe().status == Status::ok);  // libraries known

  jellyfin.fail_with(429, 7);
  const auto busy =
      target->scan({{"/tv/A", EventKind::modified, 0}, {"/tv/B", EventKind::modified, 0}});
  CHECK(busy[0].status == Status::retry);
  CHECK(busy[0].retry_after == std::chrono::seconds(7));
  CHECK(busy[0].reason == "Jellyfin answered HTTP 429 on POST /Library/Media/Updated");
  CHECK(busy[1].status == Status::retry);

  jellyfin.fail_with(500);
  const auto broken = target->scan({{"/tv/A", EventKind::modified, 0}});
  CHECK(broken[0].status == Status::retry);
  CHECK(broken[0].retry_after == std::chrono::seconds(0));
  CHECK(broken[0].reason == "Jellyfin answered HTTP 500 on POST /Library/Media/Updated");
}

TEST_CASE("a slow jellyfin times out and counts as unavailable", "[jellyfin]") {
  FakeJellyfin jellyfin(kKey);
  standard_libraries(jellyfin);
  RecordingHost host;
  auto target = make_target(jellyfin, host, "200ms");
  jellyfin.set_delay(std::chrono::milliseconds(1500));
  const auto results = target->scan({{"/tv/Show", EventKind::modified, 0}});
  CHECK(results[0].status == Status::unavailable);
  CHECK(results[0].reason ==
        "Jellyfin did not answer: timed out after 200 ms on GET /Library/VirtualFolders: is "
        "Jellyfin overloaded or still starting? raise timeout in [target.jellyfin] if it is only "
        "slow");
}

TEST_CASE("jellyfin explains the library and the exact request", "[jellyfin]") {
  FakeJellyfin jellyfin(kKey);
  standard_libraries(jellyfin);
  RecordingHost host;
  auto target = make_target(jellyfin, host);

  const auto explained = target->explain({"/media/anime/Kaze/Season 1", EventKind::created, 0});
  CHECK(explained.verdict.status == Status::ok);
  CHECK(explained.library == "Shows");
  REQUIRE(explained.requests.size() == 1);
  CHECK(explained.requests[0].method == "POST");
  CHECK(explained.requests[0].url == jellyfin.url() + "/Library/Media/Updated");
  CHECK(explained.requests[0].body ==
        R"j({"Updates":[{"Path":"/media/anime/Kaze/Season 1","UpdateType":"Created"}]})j");
  CHECK(jellyfin.media_updates().empty());

  const auto stray = target->explain({"/downloads/x", EventKind::created, 0});
  CHECK(stray.verdict.status == Status::rejected);
  CHECK(stray.requests.empty());
}

TEST_CASE("the fake jellyfin is faithful: auth, null paths, case-insensitive routes",
          "[jellyfin][fakes]") {
  FakeJellyfin jellyfin(kKey);
  standard_libraries(jellyfin);
  scanhook::support::HttpClient client(jellyfin.url(), {});
  const scanhook::HeaderList auth = {
      {"Authorization", "MediaBrowser Token=\"" + std::string(kKey) + "\""}};
  CHECK(client.send("GET", "/Library/VirtualFolders").status == 401);
  CHECK(client.send("GET", "/Library/VirtualFolders", {{"X-Emby-Token", kKey}}).status == 401);
  jellyfin.set_legacy_authorization(true);
  CHECK(client.send("GET", "/Library/VirtualFolders", {{"X-Emby-Token", kKey}}).status == 200);
  CHECK(client.send("GET", "/library/virtualfolders", auth).status == 200);
  CHECK(client
            .send("POST", "/Library/Media/Updated", auth, R"j({"Updates":[{"Path":null}]})j",
                  "application/json")
            .status == 400);
  CHECK(client
            .send("POST", "/Library/Media/Updated", auth,
                  R"j({"Updates":[{"Path":"/tv/x","UpdateType":"Modified"}]})j", "application/json")
            .status == 204);
  const auto info = client.send("GET", "/System/Info/Public");
  CHECK(info.status == 200);
  CHECK(info.body.find("\"Version\":\"10.10.7\"") != std::string::npos);
}

TEST_CASE("jellyfin refuses TLS options that cannot work", "[jellyfin]") {
  RecordingHost host;
  CHECK_THROWS_WITH(
      make<scanhook::Target>(
          "jellyfin", Role::target,
          {{"url", "http://127.0.0.1:8096"}, {"token", kKey}, {"ca_file", "/etc/hostname"}}, host),
      "ca_file: only used with an https:// url, and the url is http://127.0.0.1:8096");
  CHECK_THROWS_WITH(
      make<scanhook::Target>("jellyfin", Role::target,
                             {{"url", "https://jf.example:8920"},
                              {"token", kKey},
                              {"ca_file", "/etc/hostname"},
                              {"verify_tls", "false"}},
                             host),
      Catch::Matchers::StartsWith("ca_file: ca_file and verify_tls = false contradict"));
  CHECK_THROWS_WITH(
      make<scanhook::Target>(
          "jellyfin", Role::target,
          {{"url", "https://jf.example:8920"}, {"token", kKey}, {"ca_file", "/nonexistent/ca.pem"}},
          host),
      "ca_file: cannot read /nonexistent/ca.pem");
  CHECK_THROWS_WITH(
      make<scanhook::Target>("jellyfin", Role::target,
                             {{"url", "https://jf.example:8920"}, {"verify_tls", "maybe"}}, host),
      Catch::Matchers::Contains("[target.jellyfin] verify_tls: expected true or false") &&
          Catch::Matchers::Contains("[target.jellyfin] token: required key is missing"));
  auto insecure = make<scanhook::Target>(
      "jellyfin", Role::target,
      {{"url", "https://jf.example:8920"}, {"token", kKey}, {"verify_tls", "false"}}, host);
  CHECK(
      host.logged("[target.jellyfin] verify_tls = false: any certificate is accepted from "
                  "https://jf.example:8920"));
}

// The items of tests/data/jellyfin: episode 9a1b..., its season 0f1e... and series 5e7d....
void northern_lights(FakeJellyfin& jellyfin, bool with_season = true) {
  jellyfin.add_item({"9a1be3c56f2d4d8ea7b01c2d3e4f5a6b", "The Long Night", "Episode",
                     "/tv/Northern Lights (2019)/Season 02/S02E03.mkv", false});
  if (with_season)
    jellyfin.add_item({"0f1e2d3c4b5a49688776a5b4c3d2e1f0", "Season 2", "Season",
                       "/tv/Northern Lights (2019)/Season 02", true});
  jellyfin.add_item({"5e7d2c1b0a9f4e8db7c6a5b4c3d2e1f0", "Northern Lights", "Series",
                     "/tv/Northern Lights (2019)", true});
}

TEST_CASE("a jellyfin webhook with all properties has no path: its ItemId is looked up",
          "[jellyfin][webhook]") {
  const std::string fixture =
      GENERATE(std::string("jellyfin/plugin-v18/item_added_all_properties.json"),
               std::string("jellyfin/plugin-v11/item_added_all_properties.json"));
  FakeJellyfin jellyfin(kKey);
  northern_lights(jellyfin);
  RecordingHost host;
  auto source = make_source(jellyfin, host);

  const auto added = source->handle(webhook(read_test_data(fixture)));
  CHECK(added.status == 200);
  REQUIRE(added.events.size() == 1);
  CHECK(added.events[0].path == "/tv/Northern Lights (2019)/Season 02/S02E03.mkv");
  CHECK(added.events[0].is_file);
  CHECK(added.events[0].kind == EventKind::created);
  const auto lookups = jellyfin.requests_to("GET", "/Items");
  REQUIRE(lookups.size() == 1);
  CHECK(lookups[0].raw_query == "ids=9a1be3c56f2d4d8ea7b01c2d3e4f5a6b&Fields=Path");
}

TEST_CASE("a jellyfin template webhook with only an ItemId is resolved through the API",
          "[jellyfin][webhook]") {
  FakeJellyfin jellyfin(kKey);
  northern_lights(jellyfin);
  RecordingHost host;
  auto source = make_source(jellyfin, host);

  const auto episode =
      source->handle(webhook(read_test_data("jellyfin/plugin-v18/item_added_template.json")));
  CHECK(episode.status == 200);
  REQUIRE(episode.events.size() == 1);
  CHECK(episode.events[0].path == "/tv/Northern Lights (2019)/Season 02/S02E03.mkv");
  CHECK(episode.events[0].is_file);
  const auto lookups = jellyfin.requests_to("GET", "/Items");
  REQUIRE(lookups.size() == 1);
  // Handlebars renders a Guid with dashes; Jellyfin reads either form.
  CHECK(lookups[0].raw_query == "ids=9a1be3c5-6f2d-4d8e-a7b0-1c2d3e4f5a6b&Fields=Path");
  CHECK(lookups[0].header("Authorization") == "MediaBrowser Token=\"" + std::string(kKey) + "\"");

  const auto series = source->handle(
      webhook(read_test_data("jellyfin/plugin-v18/item_added_series_template.json")));
  REQUIRE(series.events.size() == 1);
  CHECK(series.events[0].path == "/tv/Northern Lights (2019)");
  CHECK_FALSE(series.events[0].is_file);
}

TEST_CASE(
    "a jellyfin ItemDeleted scans its season's folder, or its series' once the season is "
    "gone",
    "[jellyfin][webhook]") {
  const std::string fixture =
      GENERATE(std::string("jellyfin/plugin-v18/item_deleted_all_properties.json"),
               std::string("jellyfin/plugin-v18/item_deleted_template.json"));
  FakeJellyfin jellyfin(kKey);
  northern_lights(jellyfin);
  jellyfin.remove_item("9a1be3c56f2d4d8ea7b01c2d3e4f5a6b");  // Jellyfin forgot the episode
  RecordingHost host;
  auto source = make_source(jellyfin, host);

  const auto season = source->handle(webhook(read_test_data(fixture)));
  CHECK(season.status == 200);
  REQUIRE(season.events.size() == 1);
  CHECK(season.events[0].path == "/tv/Northern Lights (2019)/Season 02");
  CHECK_FALSE(season.events[0].is_file);
  CHECK(season.events[0].kind == EventKind::modified);
  CHECK(season.message ==
        "ItemDeleted Episode \"The Long Night\": scanning /tv/Northern Lights (2019)/Season 02, "
        "the folder of its season (the nearest one Jellyfin still knows)");

  jellyfin.remove_item("0f1e2d3c4b5a49688776a5b4c3d2e1f0");  // the last episode took the season
  const auto series = source->handle(webhook(read_test_data(fixture)));
  REQUIRE(series.events.size() == 1);
  CHECK(series.events[0].path == "/tv/Northern Lights (2019)");
  CHECK_FALSE(series.events[0].is_file);
  CHECK(jellyfin.requests_to("GET", "/Items").size() == 3);  // season, season again, series
}

TEST_CASE(
    "a jellyfin ItemDeleted of a track scans its album's folder, found by name, or its "
    "artist's",
    "[jellyfin][webhook]") {
  FakeJellyfin jellyfin(kKey);
  // Another artist's album of the same name, and one whose name only contains it.
  jellyfin.add_item(
      {"d1", "Harbour Songs", "MusicAlbum", "/music/Other Band/Harbour Songs", true, "Other Band"});
  jellyfin.add_item({"d2", "Harbour Songs (Live)", "MusicAlbum",
                     "/music/The Keepers/Harbour Songs (Live)", true, "The Keepers"});
  jellyfin.add_item({"d3", "Harbour Songs", "MusicAlbum", "/music/The Keepers/Harbour Songs (2020)",
                     true, "The Keepers"});
  jellyfin.add_item({"d4", "The Keepers", "MusicArtist", "/music/The Keepers", true});
  RecordingHost host;
  auto source = make_source(jellyfin, host);
  const std::string fixture = "jellyfin/plugin-v18/item_deleted_audio_all_properties.json";

  const auto album = source->handle(webhook(read_test_data(fixture)));
  REQUIRE(album.events.size() == 1);
  CHECK(album.events[0].path == "/music/The Keepers/Harbour Songs (2020)");
  CHECK_FALSE(album.events[0].is_file);
  CHECK_THAT(album.message, Catch::Matchers::Contains("the folder of its album"));
  const auto searches = jellyfin.requests_to("GET", "/Items");
  REQUIRE(searches.size() == 1);
  CHECK(searches[0].raw_query ==
        "searchTerm=Harbour%20Songs&IncludeItemTypes=MusicAlbum&Recursive=true&Fields=Path");

  jellyfin.remove_item("d3");  // the album's last track took the album
  const auto artist = source->handle(webhook(read_test_data(fixture)));
  REQUIRE(artist.events.size() == 1);
  // The other artist's album of that name is not taken for it.
  CHECK(artist.events[0].path == "/music/The Keepers");
  CHECK_THAT(artist.message, Catch::Matchers::Contains("the folder of its artist"));
}

TEST_CASE("a jellyfin ItemDeleted with no parent left says why and queues nothing",
          "[jellyfin][webhook]") {
  FakeJellyfin jellyfin(kKey);
  RecordingHost host;
  auto source = make_source(jellyfin, host);

  const auto movie = source->handle(
      webhook(read_test_data("jellyfin/plugin-v18/item_deleted_movie_all_properties.json")));
  CHECK(movie.status == 200);
  CHECK(movie.events.empty());
  CHECK(movie.message ==
        "ItemDeleted Movie \"Harbour Lights\" (item b2c3d4e5f6a74b8c9d0e1f2a3b4c5d6e): Jellyfin's "
        "webhook names no path and no season, series, album or artist Jellyfin still knows, so "
        "there is no folder to scan");
  CHECK(host.dropped() == std::vector<std::string>{"Jellyfin Movie \"Harbour Lights\" (item "
                                                   "b2c3d4e5f6a74b8c9d0e1f2a3b4c5d6e): " +
                                                   movie.message});
  CHECK(jellyfin.requests().empty());

  // A track whose album and artist are gone too: searched by name, nothing found.
  const auto track = source->handle(
      webhook(read_test_data("jellyfin/plugin-v18/item_deleted_audio_all_properties.json")));
  CHECK(track.events.empty());
  CHECK_THAT(track.message, Catch::Matchers::StartsWith("ItemDeleted Audio \"Lighthouse\""));

  // The series is gone as well: nothing is left.
  const auto episode =
      source->handle(webhook(read_test_data("jellyfin/plugin-v18/item_deleted_template.json")));
  CHECK(episode.events.empty());
  CHECK_THAT(episode.message, Catch::Matchers::Contains("Jellyfin still knows, so there is no"));
  // Two searches for the track's album and artist, two lookups for the season and series.
  CHECK(jellyfin.requests_to("GET", "/Items").size() == 4);
}

TEST_CASE(
    "Jellyfin 10.8.0 to 10.8.7 answer /Items 500 without a user: lookups go through "
    "/Users/{id}/Items",
    "[jellyfin][webhook]") {
  FakeJellyfin jellyfin(kKey);
  jellyfin.set_version("10.8.5");
  jellyfin.add_user("1d2c3b4a5f6e4a7b8c9d0e1f2a3b4c5d", "anna", false);
  jellyfin.add_user("6a5b4c3d2e1f40718293a4b5c6d7e8f9", "admin", true);
  northern_lights(jellyfin);
  RecordingHost host;
  auto source = make_source(jellyfin, host);

  const auto added =
      source->handle(webhook(read_test_data("jellyfin/plugin-v11/item_added_all_properties.json")));
  CHECK(added.status == 200);
  REQUIRE(added.events.size() == 1);
  CHECK(added.events[0].path == "/tv/Northern Lights (2019)/Season 02/S02E03.mkv");
  CHECK(
      host.logged("Jellyfin answered HTTP 500 to GET /Items?ids=9a1be3c56f2d4d8ea7b01c2d3e4f5a6b"
                  "&Fields=Path (Jellyfin 10.8.0 to 10.8.7 need a user id there): items are "
                  "looked up as administrator 6a5b4c3d2e1f40718293a4b5c6d7e8f9 from now on"));

  // Later lookups go straight to the user-scoped route.
  const auto again =
      source->handle(webhook(read_test_data("jellyfin/plugin-v11/item_added_template.json")));
  REQUIRE(again.events.size() == 1);
  CHECK(jellyfin.requests_to("GET", "/Items").size() == 1);
  CHECK(jellyfin.requests_to("GET", "/Users").size() == 1);
  const auto scoped = jellyfin.requests_to("GET", "/Users/6a5b4c3d2e1f40718293a4b5c6d7e8f9/Items");
  REQUIRE(scoped.size() == 2);
  CHECK(scoped[1].raw_query == "ids=9a1be3c5-6f2d-4d8e-a7b0-1c2d3e4f5a6b&Fields=Path");

  // 10.8.8 fixed it: the same fake answers /Items directly.
  FakeJellyfin fixed(kKey);
  fixed.set_version("10.8.8");
  northern_lights(fixed);
  RecordingHost fixed_host;
  auto fixed_source = make_source(fixed, fixed_host);
  CHECK(
      fixed_source->handle(webhook(read_test_data("jellyfin/plugin-v11/item_added_template.json")))
          .events.size() == 1);
  CHECK(fixed.requests_to("GET", "/Users").empty());
}

TEST_CASE("jellyfin webhooks that change nothing or cannot be read queue nothing",
          "[jellyfin][webhook]") {
  FakeJellyfin jellyfin(kKey);
  RecordingHost host;
  auto source = make_source(jellyfin, host);

  const auto playback =
      source->handle(webhook(read_test_data("jellyfin/plugin-v18/playback_start.json")));
  CHECK(playback.status == 200);
  CHECK(playback.events.empty());
  CHECK(playback.message == "PlaybackStart changes no files");
  CHECK(jellyfin.requests().empty());

  const auto unknown =
      source->handle(webhook(read_test_data("jellyfin/plugin-v18/item_added_template.json")));
  CHECK(unknown.status == 200);
  CHECK(unknown.events.empty());
  CHECK(unknown.message ==
        "Jellyfin knows no item 9a1be3c5-6f2d-4d8e-a7b0-1c2d3e4f5a6b with a path");

  const auto garbage = source->handle(webhook("New item: The Long Night"));
  CHECK(garbage.status == 400);
  CHECK(garbage.keep_as_dead_letter);
  const auto untyped = source->handle(webhook(R"j({"ItemId":"x"})j"));
  CHECK(untyped.status == 400);
  CHECK_THAT(untyped.message, Catch::Matchers::StartsWith("the body has no NotificationType"));
}

TEST_CASE("a jellyfin webhook whose lookup fails answers 5xx and logs", "[jellyfin][webhook]") {
  FakeJellyfin jellyfin("another-key");
  RecordingHost host;
  auto source = make_source(jellyfin, host);

  const auto refused =
      source->handle(webhook(read_test_data("jellyfin/plugin-v18/item_added_template.json")));
  CHECK(refused.status == 502);
  CHECK(refused.message ==
        "could not look up item 9a1be3c5-6f2d-4d8e-a7b0-1c2d3e4f5a6b: Jellyfin rejected the token "
        "(HTTP 401 on GET /Items?ids=9a1be3c5-6f2d-4d8e-a7b0-1c2d3e4f5a6b&Fields=Path): check "
        "server_token in [source.jellyfin]");

  jellyfin.set_down(true);
  const auto down =
      source->handle(webhook(read_test_data("jellyfin/plugin-v18/item_added_template.json")));
  CHECK(down.status == 503);
  CHECK_THAT(
      down.message,
      Catch::Matchers::StartsWith(
          "could not look up item 9a1be3c5-6f2d-4d8e-a7b0-1c2d3e4f5a6b: Jellyfin did not answer"));
  CHECK(host.logged(
      "(Jellyfin does not resend webhooks: the request is kept as a dead letter, replay it once "
      "Jellyfin answers)"));
}

TEST_CASE("a jellyfin source needs the server's url and API key, beside its own webhook token",
          "[jellyfin][webhook]") {
  RecordingHost host;
  CHECK_THROWS_WITH(
      make<scanhook::WebhookSource>("jellyfin", Role::source,
                                    {{"url", "http://127.0.0.1:8096"}, {"token", "hook-secret"}},
                                    host),
      Catch::Matchers::Contains("[source.jellyfin] server_token: required key is missing"));
  CHECK_NOTHROW(make<scanhook::WebhookSource>(
      "jellyfin", Role::source,
      {{"url", "http://127.0.0.1:8096"}, {"server_token", kKey}, {"token", "hook-secret"}}, host));
}
