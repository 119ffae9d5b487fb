// Plex, Jellyfin and Emby end to end: webhooks into the real scanhookd (a
// child process), scans out to the fake servers, the API watched meanwhile.
#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>

#include "support/eventually.hpp"
#include "support/media_servers.hpp"
#include "support/media_updates.hpp"
#include "support/plugin_harness.hpp"
#include "support/sonarr_download.hpp"
#include "support/started_daemon.hpp"

using Catch::Matchers::Contains;
using scanhook::fakes::FakeJellyfin;
using scanhook::fakes::FakePlex;
using scanhook::fakes::FakePlexItem;
using scanhook::fakes::MediaUpdate;
using scanhook::testing::all_updates;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::kEmbyKey;
using scanhook::testing::kJellyfinKey;
using scanhook::testing::kPlexToken;
using scanhook::testing::MediaServers;
using scanhook::testing::post_sonarr_download;
using scanhook::testing::quick_daemon_ini;
using scanhook::testing::read_test_data;
using scanhook::testing::StartedDaemon;

namespace {

const std::string kHookToken = "hook-secret-31";

// The folder of the episode in tests/data/sonarr/v4/download.json.
const std::string kSeverance = "/tv/Severance/Season 02";
const std::string kSeveranceQuery = "path=%2Ftv%2FSeverance%2FSeason%2002";
// The folder of item 5123, the episode of tests/data/plex/library_new.multipart.
const std::string kNorthernLights = "/tv/Northern Lights (2019)/Season 02";

// Sonarr's webhooks in (with a token), the three servers out; short waits so
// a test takes a few seconds; `extra` adds sections.
std::string media_ini(const MediaServers& servers, const std::string& extra = "") {
  return quick_daemon_ini() + "[source.sonarr]\ntoken = " + kHookToken + "\n" + servers.targets() +
         extra;
}

// Item 5123, the episode tests/data/plex/library_new.multipart announces.
const FakePlexItem kTheLongNight{
    "5123",
    "episode",
    "The Long Night",
    {kNorthernLights + "/Northern Lights (2019) - S02E03 - The Long Night.mkv"},
    {}};

// A [source.plex] that looks items up on the fake Plex.
std::string plex_source(const FakePlex& plex) {
  return "[source.plex]\nurl = " + plex.url() + "\nserver_token = " + kPlexToken +
         "\ntoken = " + kHookToken + "\n";
}

// Plex's library.new webhook for item 5123, as Plex posts it.
scanhook::support::HttpResponse post_plex_library_new(const DaemonClient& client) {
  return client.post("/triggers/plex?token=" + kHookToken,
                     read_test_data("plex/1.41/library_new_episode.multipart"),
                     "multipart/form-data; boundary=------------------------3c5e7a9b1d2f4a6c");
}

}  // namespace

TEST_CASE("a Sonarr import reaches Plex, Jellyfin and Emby once each, with their own auth",
          "[e2e][media]") {
  MediaServers servers;
  StartedDaemon run(media_ini(servers));
  const DaemonClient& client = run.client;

  post_sonarr_download(client, kHookToken);
  REQUIRE(eventually([&] { return client.queue_empty(); }));

  CHECK(servers.plex.refreshed() == std::vector<std::string>{"section 2 " + kSeverance});
  const auto plex_calls = servers.plex.requests_to("GET", "/library/sections/2/refresh");
  REQUIRE(plex_calls.size() == 1);
  CHECK(plex_calls[0].raw_query == kSeveranceQuery);
  CHECK(plex_calls[0].header("X-Plex-Token") == kPlexToken);

  const std::vector<std::vector<MediaUpdate>> created{{{kSeverance, "Created"}}};
  CHECK(servers.jellyfin.media_updates() == created);
  const auto jellyfin_calls = servers.jellyfin.requests_to("POST", "/Library/Media/Updated");
  REQUIRE(jellyfin_calls.size() == 1);
  CHECK(jellyfin_calls[0].header("Authorization") == "MediaBrowser Token=\"" + kJellyfinKey + "\"");
  CHECK(jellyfin_calls[0].header("X-Emby-Token") == std::nullopt);

  CHECK(servers.emby.media_updates() == created);
  const auto emby_calls = servers.emby.requests_to("POST", "/emby/Library/Media/Updated");
  REQUIRE(emby_calls.size() == 1);
  CHECK(emby_calls[0].header("X-Emby-Token") == kEmbyKey);

  for (const char* target : {"plex", "jellyfin", "emby"}) {
    const auto history = client.get_json(std::string("/api/history?target=") + target);
    const auto entries = history->getArray("history");
    REQUIRE(entries->size() == 1);
    CHECK(entries->getObject(0)->getValue<std::string>("folder") == kSeverance);
    CHECK(entries->getObject(0)->getValue<std::string>("outcome") == "ok");
  }
}

TEST_CASE("Jellyfin down delays only Jellyfin, which gets each folder once when it returns",
          "[e2e][media]") {
  MediaServers servers;
  servers.jellyfin.set_down(true);
  StartedDaemon run(media_ini(servers));
  DaemonProcess& daemon = run.daemon;
  const DaemonClient& client = run.client;

  post_sonarr_download(client, kHookToken);
  REQUIRE(client.post("/api/scan", "{\"paths\": [\"/tv/Severance/Season 01\"]}", "application/json")
              .status == 200);

  // Plex and Emby get both folders at once, while Jellyfin is paused.
  REQUIRE(
      eventually([&] { return servers.plex.refreshes().size() == 2; }, std::chrono::seconds(3)));
  REQUIRE(eventually([&] { return all_updates(servers.emby.media_updates()).size() == 2; },
                     std::chrono::seconds(3)));
  REQUIRE(eventually([&] { return client.target_state("jellyfin")->getValue<bool>("paused"); }));
  const auto jellyfin = client.target_state("jellyfin");
  CHECK(jellyfin->getValue<std::string>("state") == "paused");
  CHECK(jellyfin->getValue<std::string>("last_error") ==
        "Jellyfin did not answer: Connection refused on GET /Library/VirtualFolders: is Jellyfin "
        "running, and are url's host and port in [target.jellyfin] right?");
  CHECK(jellyfin->getValue<int>("queued") == 2);
  CHECK(client.target_state("plex")->getValue<std::string>("state") == "running");
  // Logged just after the pause is visible (dispatcher.cpp marks it first).
  CHECK(eventually([&] {
    return daemon.output().find("target jellyfin is unavailable (Jellyfin did not answer") !=
           std::string::npos;
  }));
  CHECK(servers.jellyfin.requests().empty());

  servers.jellyfin.set_down(false);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  const std::vector<MediaUpdate> both{{"/tv/Severance/Season 01", "Modified"},
                                      {kSeverance, "Created"}};
  CHECK(all_updates(servers.jellyfin.media_updates()) == both);
  CHECK(all_updates(servers.emby.media_updates()) == both);
  CHECK(servers.plex.refreshed() ==
        std::vector<std::string>{"section 2 " + kSeverance, "section 2 /tv/Severance/Season 01"});
  CHECK(client.target_state("jellyfin")->getValue<std::string>("state") == "running");
  CHECK_THAT(daemon.output(), Contains("target jellyfin answers again: deliveries resume"));
}

TEST_CASE("a Plex library.new webhook rescans Jellyfin and Emby, never Plex itself",
          "[e2e][media]") {
  MediaServers servers;
  servers.plex.add_item(kTheLongNight);
  StartedDaemon run(media_ini(servers, plex_source(servers.plex)));
  const DaemonClient& client = run.client;

  const auto answer = post_plex_library_new(client);
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Contains("\"queued\":1"));
  REQUIRE(eventually([&] { return client.queue_empty(); }));

  const std::vector<std::vector<MediaUpdate>> created{{{kNorthernLights, "Created"}}};
  CHECK(servers.jellyfin.media_updates() == created);
  CHECK(servers.emby.media_updates() == created);
  CHECK(servers.plex.refreshes().empty());
  CHECK(client.get_json("/api/history?target=plex")->getArray("history")->size() == 0);
  const auto lookups = servers.plex.requests_to("GET", "/library/metadata/5123");
  REQUIRE(lookups.size() == 1);
  CHECK(lookups[0].header("X-Plex-Token") == kPlexToken);
}

TEST_CASE("a Plex webhook whose lookup fails is a dead letter, replayed once Plex answers",
          "[e2e][media]") {
  MediaServers servers;
  servers.plex.add_item(kTheLongNight);
  servers.plex.set_down(true);
  StartedDaemon run(media_ini(servers, plex_source(servers.plex)));
  const DaemonClient& client = run.client;

  const auto refused = post_plex_library_new(client);
  CHECK(refused.status == 503);
  CHECK_THAT(refused.body, Contains("could not look up item 5123: Plex did not answer"));
  const auto letters = client.get_json("/api/deadletters")->getArray("dead_letters");
  REQUIRE(letters->size() == 1);
  const auto letter = letters->getObject(0);
  CHECK(letter->getValue<std::string>("source") == "plex");
  CHECK_THAT(letter->getValue<std::string>("error"), Contains("could not look up item 5123"));
  CHECK(client.queued_folders() == 0);

  servers.plex.set_down(false);
  const auto replayed = client.post(
      "/api/deadletters/" + std::to_string(letter->getValue<int>("id")) + "/replay", "", "");
  REQUIRE(replayed.status == 200);
  CHECK_THAT(replayed.body, Contains("\"queued\":1"));
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  const std::vector<std::vector<MediaUpdate>> created{{{kNorthernLights, "Created"}}};
  CHECK(servers.jellyfin.media_updates() == created);
  CHECK(servers.emby.media_updates() == created);
  CHECK(servers.plex.refreshes().empty());
  CHECK(client.get_json("/api/deadletters")->getArray("dead_letters")->size() == 0);
}

TEST_CASE("Jellyfin's and Emby's webhooks rescan the two other servers, never their own",
          "[e2e][media]") {
  struct Case {
    std::string origin;
    std::string fixture;
    std::string content_type;
  };
  const auto webhook =
      GENERATE(Case{"jellyfin", "jellyfin/plugin-v18/item_added_all_properties.json",
                    "text/plain; charset=utf-8"},
               Case{"emby", "emby/4.9/library_new.json", "application/json"});
  MediaServers servers;
  // Jellyfin's webhook names no path: the source looks the episode up.
  servers.jellyfin.add_item({"9a1be3c56f2d4d8ea7b01c2d3e4f5a6b", "The Long Night", "Episode",
                             kNorthernLights + "/S02E03.mkv", false});
  const std::string server_keys =
      webhook.origin == "jellyfin"
          ? "url = " + servers.jellyfin.url() + "\nserver_token = " + kJellyfinKey + "\n"
          : "";
  StartedDaemon run(media_ini(
      servers, "[source." + webhook.origin + "]\n" + server_keys + "token = " + kHookToken + "\n"));
  const DaemonClient& client = run.client;

  const auto answer = client.post("/triggers/" + webhook.origin + "?token=" + kHookToken,
                                  read_test_data(webhook.fixture), webhook.content_type);
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Contains("\"queued\":1"));
  REQUIRE(eventually([&] { return client.queue_empty(); }));

  const std::vector<std::vector<MediaUpdate>> created{{{kNorthernLights, "Created"}}};
  CHECK(servers.plex.refreshed() == std::vector<std::string>{"section 2 " + kNorthernLights});
  CHECK(servers.jellyfin.media_updates() ==
        (webhook.origin == "jellyfin" ? std::vector<std::vector<MediaUpdate>>{} : created));
  CHECK(servers.emby.media_updates() ==
        (webhook.origin == "emby" ? std::vector<std::vector<MediaUpdate>>{} : created));
}

TEST_CASE("Plex answering 429 with Retry-After is retried after that wait, then scanned once",
          "[e2e][media]") {
  MediaServers servers;
  servers.plex.fail_with(429, 1);
  StartedDaemon run(media_ini(servers));
  const DaemonClient& client = run.client;

  post_sonarr_download(client, kHookToken);
  REQUIRE(eventually([&] { return !servers.plex.requests().empty(); }));
  const auto refused_at = servers.plex.requests().front().received;
  servers.plex.clear_failure();
  REQUIRE(eventually([&] { return client.queue_empty(); }, std::chrono::seconds(3)));
  CHECK(servers.plex.refreshed() == std::vector<std::string>{"section 2 " + kSeverance});
  // retry_initial is 100ms: only Retry-After explains a wait of a second.
  const auto requests = servers.plex.requests();
  REQUIRE(requests.size() >= 2);
  CHECK(requests[1].received - refused_at >= std::chrono::milliseconds(950));
  const auto history = client.get_json("/api/history?target=plex")->getArray("history");
  REQUIRE(history->size() == 1);
  CHECK(history->getObject(0)->getValue<int>("attempts") == 2);
  CHECK(client.target_state("plex")->getValue<bool>("paused") == false);
}

TEST_CASE("a rejected Plex token pauses Plex loudly until the token is accepted again",
          "[e2e][media]") {
  MediaServers servers;
  servers.plex.set_token("a-token-scanhook-does-not-have");
  StartedDaemon run(media_ini(servers));
  DaemonProcess& daemon = run.daemon;
  const DaemonClient& client = run.client;

  post_sonarr_download(client, kHookToken);
  REQUIRE(eventually([&] { return client.target_state("plex")->getValue<bool>("paused"); }));
  CHECK(client.target_state("plex")->getValue<std::string>("last_error") ==
        "Plex rejected the token (HTTP 401 on GET /library/sections): check token in "
        "[target.plex]");
  CHECK_THAT(daemon.output(),
             Contains("[target.plex] TOKEN REJECTED by Plex at " + servers.plex.url() +
                      " (HTTP 401 on GET /library/sections)"));
  REQUIRE(eventually([&] { return servers.jellyfin.media_updates().size() == 1; }));
  CHECK(servers.plex.refreshes().empty());

  servers.plex.set_token(kPlexToken);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  CHECK(servers.plex.refreshed() == std::vector<std::string>{"section 2 " + kSeverance});
  CHECK(client.target_state("plex")->getValue<std::string>("state") == "running");
}

TEST_CASE("a folder in no library is rejected with the reason, and explain shows the Plex request",
          "[e2e][media]") {
  MediaServers servers;
  StartedDaemon run(media_ini(servers));
  const DaemonClient& client = run.client;

  REQUIRE(
      client.post("/api/scan", "{\"paths\": [\"/music/Low/Double Negative\"]}", "application/json")
          .status == 200);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  const auto history = client.get_json("/api/history?target=plex")->getArray("history");
  REQUIRE(history->size() == 1);
  CHECK(history->getObject(0)->getValue<std::string>("folder") == "/music/Low/Double Negative");
  CHECK(history->getObject(0)->getValue<std::string>("outcome") == "rejected");
  CHECK(history->getObject(0)->getValue<std::string>("reason") ==
        "/music/Low/Double Negative is in no Plex library (libraries: TV Shows (/tv); Films "
        "(/films))");
  CHECK(servers.plex.refreshes().empty());

  const auto explained = client.post_json(
      "/api/explain", "{\"path\": \"" + kSeverance + "\", \"source\": \"sonarr\"}");
  const auto targets = explained->getArray("targets");
  REQUIRE(targets->size() == 3);
  const auto plex = targets->getObject(0);
  CHECK(plex->getValue<std::string>("target") == "plex");
  CHECK(plex->getValue<std::string>("path") == kSeverance);
  const auto plan = plex->getObject("explain");
  CHECK(plan->getValue<std::string>("verdict") == "ok");
  CHECK(plan->getValue<std::string>("library") == "TV Shows (section 2)");
  const auto requests = plan->getArray("requests");
  REQUIRE(requests->size() == 1);
  CHECK(requests->getObject(0)->getValue<std::string>("method") == "GET");
  CHECK(requests->getObject(0)->getValue<std::string>("url") ==
        servers.plex.url() + "/library/sections/2/refresh?" + kSeveranceQuery);
  std::ostringstream text;
  explained->stringify(text);
  CHECK_THAT(text.str(), !Contains(kPlexToken) && !Contains(kJellyfinKey) && !Contains(kEmbyKey));
  // Explaining sends nothing.
  CHECK(servers.plex.refreshes().empty());
}

// The Jellyfin items of tests/data/jellyfin: an episode, its season and its series.
void add_northern_lights(FakeJellyfin& jellyfin) {
  jellyfin.add_item({"9a1be3c56f2d4d8ea7b01c2d3e4f5a6b", "The Long Night", "Episode",
                     kNorthernLights + "/S02E03.mkv", false});
  jellyfin.add_item(
      {"0f1e2d3c4b5a49688776a5b4c3d2e1f0", "Season 2", "Season", kNorthernLights, true});
  jellyfin.add_item({"5e7d2c1b0a9f4e8db7c6a5b4c3d2e1f0", "Northern Lights", "Series",
                     "/tv/Northern Lights (2019)", true});
}

// A [source.jellyfin] that looks items up on `jellyfin`.
std::string jellyfin_source(const FakeJellyfin& jellyfin) {
  return "[source.jellyfin]\nurl = " + jellyfin.url() + "\nserver_token = " + kJellyfinKey +
         "\ntoken = " + kHookToken + "\n";
}

scanhook::support::HttpResponse post_jellyfin(const DaemonClient& client,
                                              const std::string& fixture) {
  return client.post("/triggers/jellyfin?token=" + kHookToken, read_test_data(fixture),
                     "text/plain; charset=utf-8");
}

TEST_CASE("a Jellyfin ItemDeleted for an episode scans its season folder on Plex and Emby",
          "[e2e][media][jellyfin]") {
  MediaServers servers;
  add_northern_lights(servers.jellyfin);
  servers.jellyfin.remove_item("9a1be3c56f2d4d8ea7b01c2d3e4f5a6b");  // the deleted episode
  StartedDaemon run(media_ini(servers, jellyfin_source(servers.jellyfin)));
  const DaemonClient& client = run.client;

  const auto answer = post_jellyfin(client, "jellyfin/plugin-v18/item_deleted_all_properties.json");
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Contains("\"queued\":1") && Contains("the folder of its season"));
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  CHECK(servers.plex.refreshed() == std::vector<std::string>{"section 2 " + kNorthernLights});
  CHECK(servers.emby.media_updates() ==
        std::vector<std::vector<MediaUpdate>>{{{kNorthernLights, "Modified"}}});
  CHECK(servers.jellyfin.requests_to("GET", "/Items").size() == 1);
}

TEST_CASE("a Jellyfin ItemDeleted whose season is gone too scans the series folder",
          "[e2e][media][jellyfin]") {
  MediaServers servers;
  add_northern_lights(servers.jellyfin);
  servers.jellyfin.remove_item("9a1be3c56f2d4d8ea7b01c2d3e4f5a6b");
  servers.jellyfin.remove_item("0f1e2d3c4b5a49688776a5b4c3d2e1f0");
  StartedDaemon run(media_ini(servers, jellyfin_source(servers.jellyfin)));
  const DaemonClient& client = run.client;

  REQUIRE(post_jellyfin(client, "jellyfin/plugin-v18/item_deleted_template.json").status == 200);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  CHECK(servers.plex.refreshed() ==
        std::vector<std::string>{"section 2 /tv/Northern Lights (2019)"});
}

TEST_CASE(
    "a Jellyfin ItemDeleted with nothing left queues nothing, says why, logs it and keeps a "
    "history row",
    "[e2e][media][jellyfin]") {
  MediaServers servers;
  StartedDaemon run(media_ini(servers, jellyfin_source(servers.jellyfin)));
  DaemonProcess& daemon = run.daemon;
  const DaemonClient& client = run.client;

  const auto answer =
      post_jellyfin(client, "jellyfin/plugin-v18/item_deleted_movie_all_properties.json");
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Contains("\"queued\":0") &&
                              Contains("Jellyfin still knows, so there is no folder to scan"));
  CHECK(daemon.wait_for_output("ItemDeleted Movie \"Harbour Lights\" (item "));
  const auto ignored_row = [&] {
    const auto history = client.get_json("/api/history")->getArray("history");
    for (std::size_t i = 0; history && i < history->size(); ++i) {
      const auto entry = history->getObject(static_cast<unsigned>(i));
      if (entry->getValue<std::string>("outcome") == "ignored" &&
          entry->getValue<std::string>("folder") ==
              "Jellyfin Movie \"Harbour Lights\" (item b2c3d4e5f6a74b8c9d0e1f2a3b4c5d6e)")
        return entry->getValue<std::string>("reason").find("no folder to scan") !=
               std::string::npos;
    }
    return false;
  };
  CHECK(eventually(ignored_row));
  CHECK(servers.plex.refreshes().empty());
}

TEST_CASE(
    "Jellyfin 10.8.5 refuses /Items without a user: the daemon looks items up per user and "
    "scans",
    "[e2e][media][jellyfin]") {
  MediaServers servers;
  servers.jellyfin.set_version("10.8.5");
  servers.jellyfin.add_user("6a5b4c3d2e1f40718293a4b5c6d7e8f9", "admin", true);
  add_northern_lights(servers.jellyfin);
  StartedDaemon run(media_ini(servers, jellyfin_source(servers.jellyfin)));
  DaemonProcess& daemon = run.daemon;
  const DaemonClient& client = run.client;

  const auto answer = post_jellyfin(client, "jellyfin/plugin-v11/item_added_all_properties.json");
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Contains("\"queued\":1"));
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  CHECK(servers.plex.refreshed() == std::vector<std::string>{"section 2 " + kNorthernLights});
  CHECK(servers.jellyfin.requests_to("GET", "/Items").size() == 1);
  CHECK(
      servers.jellyfin.requests_to("GET", "/Users/6a5b4c3d2e1f40718293a4b5c6d7e8f9/Items").size() ==
      1);
  CHECK(daemon.wait_for_output("Jellyfin 10.8.0 to 10.8.7 need a user id there"));
}

TEST_CASE("a Plex library.new for a season scans the season folder on Jellyfin and Emby",
          "[e2e][media][plex]") {
  MediaServers servers;
  servers.plex.add_item({"5100", "show", "Northern Lights", {}, {"/tv/Northern Lights (2019)"}});
  servers.plex.add_item({"5120", "season", "Season 2", {}, {}, "5100"});
  FakePlexItem first = kTheLongNight;
  first.parent = "5120";
  servers.plex.add_item(first);
  FakePlexItem second = first;
  second.rating_key = "5124";
  second.files = {kNorthernLights + "/Northern Lights (2019) - S02E04.mkv"};
  servers.plex.add_item(second);
  StartedDaemon run(media_ini(servers, plex_source(servers.plex)));
  const DaemonClient& client = run.client;

  const auto answer = client.post("/triggers/plex?token=" + kHookToken,
                                  read_test_data("plex/1.41/library_new_season.multipart"),
                                  "multipart/form-data; boundary=------------------------"
                                  "3c5e7a9b1d2f4a6c");
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Contains("library.new season 5120 (Season 2)"));
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  const std::vector<std::vector<MediaUpdate>> created{{{kNorthernLights, "Created"}}};
  CHECK(servers.jellyfin.media_updates() == created);
  CHECK(servers.emby.media_updates() == created);
  CHECK(servers.plex.requests_to("GET", "/library/metadata/5120/children").size() == 1);
}

TEST_CASE("a Plex library.new for an album scans the album folder on Jellyfin",
          "[e2e][media][plex]") {
  MediaServers servers;
  servers.jellyfin.set_libraries({{"m1", "Music", "music", {"/music"}}});
  servers.emby.set_libraries({{"9", "Music", "music", {"/music"}}});
  servers.plex.add_item({"7310", "album", "Harbour Songs", {}, {}, "7300"});
  servers.plex.add_item({"7311",
                         "track",
                         "Lighthouse",
                         {"/music/The Keepers/Harbour Songs (2020)/01 - Lighthouse.flac"},
                         {},
                         "7310"});
  StartedDaemon run(media_ini(servers, plex_source(servers.plex)));
  const DaemonClient& client = run.client;

  REQUIRE(client
              .post("/triggers/plex?token=" + kHookToken,
                    read_test_data("plex/1.41/library_new_album.multipart"),
                    "multipart/form-data; boundary=------------------------3c5e7a9b1d2f4a6c")
              .status == 200);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  CHECK(servers.jellyfin.media_updates() ==
        std::vector<std::vector<MediaUpdate>>{
            {{"/music/The Keepers/Harbour Songs (2020)", "Created"}}});
}

// Servers on Windows: Plex at T:\tv, Jellyfin and Emby at \\nas\media\tv.
struct WindowsServers : MediaServers {
  WindowsServers() {
    plex.set_sections({{"2", "TV Shows", "show", {"T:\\tv"}}});
    jellyfin.set_libraries(
        {{"f137a2dd21bbc1b99aa5c0f6bf02a805", "Shows", "tvshows", {"\\\\nas\\media\\tv"}}});
    emby.set_libraries({{"4", "TV", "tvshows", {"\\\\NAS\\Media\\TV"}}});
  }
};

TEST_CASE(
    "a target rewrite to a Windows drive or UNC path starts, and each server is sent the "
    "folder in its own form",
    "[e2e][media][windows]") {
  WindowsServers servers;
  std::string ini = media_ini(servers);
  const auto add_rewrite = [&ini](const std::string& section, const std::string& rule) {
    const auto at = ini.find(section);
    ini.insert(ini.find('\n', at) + 1, "rewrite = " + rule + "\n");
  };
  add_rewrite("[target.plex]", "/tv => T:\\tv");
  add_rewrite("[target.jellyfin]", "/tv => \\\\nas\\media\\tv");
  // Emby lists its library in other case: matched as Windows does, sent in Emby's own form.
  add_rewrite("[target.emby]", "/tv => \\\\nas\\media\\tv");
  StartedDaemon run(ini);
  const DaemonClient& client = run.client;

  post_sonarr_download(client, kHookToken);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  CHECK(servers.plex.refreshed() ==
        std::vector<std::string>{"section 2 T:\\tv\\Severance\\Season 02"});
  const auto plex_calls = servers.plex.requests_to("GET", "/library/sections/2/refresh");
  REQUIRE(plex_calls.size() == 1);
  CHECK(plex_calls[0].raw_query == "path=T%3A%5Ctv%5CSeverance%5CSeason%2002");
  CHECK(servers.jellyfin.media_updates() ==
        std::vector<std::vector<MediaUpdate>>{
            {{"\\\\nas\\media\\tv\\Severance\\Season 02", "Created"}}});
  CHECK(servers.emby.media_updates() ==
        std::vector<std::vector<MediaUpdate>>{
            {{"\\\\NAS\\Media\\TV\\Severance\\Season 02", "Created"}}});
  const auto history = client.get_json("/api/history?target=plex")->getArray("history");
  REQUIRE(history->size() == 1);
  CHECK(history->getObject(0)->getValue<std::string>("target_path") ==
        "T:\\tv\\Severance\\Season 02");
}

TEST_CASE("a regex rewrite producing a Windows path reaches Plex instead of vanishing",
          "[e2e][media][windows]") {
  WindowsServers servers;
  std::string ini = media_ini(servers);
  ini.insert(ini.find('\n', ini.find("[target.plex]")) + 1,
             "rewrite = ~^/tv/(.*)$ => T:\\tv\\$1\n");
  StartedDaemon run(ini);
  const DaemonClient& client = run.client;

  post_sonarr_download(client, kHookToken);  // requires "queued":1: nothing filtered away
  REQUIRE(eventually([&] { return !servers.plex.refreshes().empty(); }));
  CHECK(servers.plex.refreshed() ==
        std::vector<std::string>{"section 2 T:\\tv\\Severance\\Season 02"});
}

TEST_CASE("with no rewrite, a folder is in no Plex library on Windows, and history says so",
          "[e2e][media][windows]") {
  WindowsServers servers;
  StartedDaemon run(media_ini(servers));
  const DaemonClient& client = run.client;

  post_sonarr_download(client, kHookToken);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  const auto history = client.get_json("/api/history?target=plex")->getArray("history");
  REQUIRE(history->size() == 1);
  CHECK(history->getObject(0)->getValue<std::string>("outcome") == "rejected");
  CHECK(history->getObject(0)->getValue<std::string>("reason") ==
        kSeverance + " is in no Plex library (libraries: TV Shows (T:\\tv))");
  CHECK(servers.plex.refreshes().empty());
}

TEST_CASE("a Jellyfin ItemDeleted for a track scans its album folder, found by name, on Plex",
          "[e2e][media][jellyfin]") {
  MediaServers servers;
  servers.plex.set_sections({{"3", "Music", "artist", {"/music"}}});
  servers.jellyfin.add_item({"e7a1", "Harbour Songs", "MusicAlbum",
                             "/music/The Keepers/Harbour Songs (2020)", true, "The Keepers"});
  StartedDaemon run(media_ini(servers, jellyfin_source(servers.jellyfin)));
  const DaemonClient& client = run.client;

  const auto answer =
      post_jellyfin(client, "jellyfin/plugin-v18/item_deleted_audio_all_properties.json");
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Contains("\"queued\":1") && Contains("the folder of its album"));
  REQUIRE(eventually([&] { return !servers.plex.refreshes().empty(); }));
  CHECK(servers.plex.refreshed() ==
        std::vector<std::string>{"section 3 /music/The Keepers/Harbour Songs (2020)"});
}
