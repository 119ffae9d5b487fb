// A target's own trouble never costs a folder: the real scanhookd against
// fake servers that answer as a misconfigured or not-yet-ready server (or a
// proxy in front of it) does, and later recover. Every folder stays queued
// meanwhile, the pause reason says what to fix, and after recovery each
// folder reaches the server exactly once. Also: a rejected folder retried
// through the API after a configuration change.
#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <csignal>
#include <thread>

#include "fakes/fake_emby.hpp"
#include "fakes/fake_jellyfin.hpp"
#include "fakes/fake_plex.hpp"
#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/media_updates.hpp"
#include "support/sonarr_download.hpp"
#include "support/started_daemon.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;
using Catch::Matchers::StartsWith;
using scanhook::HttpReply;
using scanhook::fakes::FakeEmby;
using scanhook::fakes::FakeJellyfin;
using scanhook::fakes::FakePlex;
using scanhook::fakes::MediaUpdate;
using scanhook::testing::all_updates;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::post_sonarr_download;
using scanhook::testing::quick_daemon_ini;
using scanhook::testing::StartedDaemon;
using scanhook::testing::TempDir;

namespace {

const std::string kToken = "server-token-5e2b";
const std::string kHookToken = "hook-secret-88";

// The folder of the episode in tests/data/sonarr/v4/download.json, and a second one.
const std::string kSeverance = "/tv/Severance/Season 02";
const std::string kSeasonOne = "/tv/Severance/Season 01";

// Short waits, so a test takes seconds; retry_max above the Retry-After used below.
std::string ini_with(const std::string& target) {
  return quick_daemon_ini("5s") + "[source.sonarr]\ntoken = " + kHookToken + "\n" + target;
}

std::string target_section(const std::string& name, const std::string& url,
                           const std::string& extra = "") {
  return "[target." + name + "]\nurl = " + url + "\ntoken = " + kToken + "\n" + extra;
}

// Sonarr's import of Season 02, and Season 01 through POST /api/scan.
void post_two_folders(const DaemonClient& client) {
  post_sonarr_download(client, kHookToken);
  REQUIRE(client.post("/api/scan", "{\"paths\": [\"" + kSeasonOne + "\"]}", "application/json")
              .status == 200);
}

// scanhookd with one target section, both folders posted to it.
struct Run : StartedDaemon {
  explicit Run(const std::string& target) : StartedDaemon(ini_with(target)) {
    post_two_folders(client);
  }
};

// While the server is in trouble: `target` is paused (or, for a retry, still
// running) with `hint` in its reason, both folders wait, none is rejected.
void require_folders_kept(const DaemonClient& client, const DaemonProcess& daemon,
                          const std::string& target, const std::string& hint, bool paused = true) {
  REQUIRE(eventually([&] {
    return client.target_state(target)->getValue<std::string>("last_error").find(hint) !=
           std::string::npos;
  }));
  const auto state = client.target_state(target);
  CHECK(state->getValue<std::string>("state") == (paused ? "paused" : "running"));
  CHECK(state->getValue<int>("queued") == 2);
  CHECK(state->getValue<std::int64_t>("failing_since") > 0);
  CHECK(state->getValue<std::int64_t>("failing_seconds") >= 0);
  CHECK(client.get_json("/api/history?target=" + target)->getArray("history")->size() == 0);
  CHECK(client.queued_folders() == 2);
  if (paused) CHECK_THAT(daemon.output(), Contains("target " + target + " is unavailable ("));
  CHECK_THAT(daemon.output(), !Contains("rejected"));
}

// After recovery: every folder's history says ok, once.
void require_delivered_once(const DaemonClient& client, const std::string& target) {
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  const auto history = client.get_json("/api/history?target=" + target)->getArray("history");
  REQUIRE(history->size() == 2);
  for (std::size_t i = 0; i < history->size(); ++i)
    CHECK(history->getObject(static_cast<unsigned>(i))->getValue<std::string>("outcome") == "ok");
  const auto state = client.target_state(target);
  CHECK(state->getValue<std::string>("state") == "running");
  CHECK(eventually(
      [&] { return client.target_state(target)->getValue<std::int64_t>("failing_since") == 0; }));
}

const std::vector<MediaUpdate> kBothUpdates{{kSeasonOne, "Modified"}, {kSeverance, "Created"}};

std::string metrics_of(const DaemonProcess& daemon) {
  return scanhook::support::HttpClient(daemon.url(), {}).send("GET", "/metrics").body;
}

// nginx 1.22's own 502 page, sent by a proxy whose server is down.
const std::string kNginx502 =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
    "</body>\r\n</html>\r\n";

}  // namespace

TEST_CASE("Plex behind a proxy answering 404 on every route while it starts keeps every folder",
          "[e2e][server_answer]") {
  FakePlex plex(kToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  // Traefik's answer while the Plex container is not yet registered (Go's http.NotFound).
  plex.fail_with(HttpReply{404, "text/plain; charset=utf-8", "404 page not found\n", {}});
  Run run(target_section("plex", plex.url()));
  const auto& client = run.client;
  const auto& daemon = run.daemon;

  const std::string hint = "is this the Plex server, or a proxy in front of it that is not ready?";
  require_folders_kept(client, daemon, "plex", hint);
  // The last error is the scan's (GET /library/sections) or, once the probe has
  // run under a loaded machine, the probe's (GET /identity): both carry the hint.
  const auto last_error = client.target_state("plex")->getValue<std::string>("last_error");
  CHECK_THAT(last_error, StartsWith("Plex answered HTTP 404 on GET /") && EndsWith(": " + hint));
  CHECK_THAT(daemon.output(), Contains("target plex is unavailable (Plex answered HTTP 404 on "
                                       "GET /library/sections: " +
                                       hint));
  const std::string metrics = metrics_of(daemon);
  CHECK_THAT(metrics, Contains("scanhook_target_queued_folders{target=\"plex\"} 2"));
  CHECK_THAT(metrics, Contains("scanhook_target_failing_seconds{target=\"plex\"} "));
  CHECK_THAT(metrics, !Contains("scanhook_target_failing_seconds{target=\"plex\"} 0\n"));
  CHECK(plex.refreshes().empty());

  plex.clear_failure();
  require_delivered_once(client, "plex");
  auto refreshed = plex.refreshed();
  std::sort(refreshed.begin(), refreshed.end());
  CHECK(refreshed ==
        std::vector<std::string>{"section 2 " + kSeasonOne, "section 2 " + kSeverance});
  CHECK_THAT(metrics_of(daemon), Contains("scanhook_target_failing_seconds{target=\"plex\"} 0\n"));
}

// The new-user trial's Plex (2026-11-30): it lists the section but answers
// its refresh with its 404 page, so /identity and /library/sections (the
// probe) pass. On main that paused Plex every batch and resumed it every probe.
TEST_CASE(
    "a Plex section listed but answering 404 to its refresh retries its folders with the reason, "
    "Plex is not paused, and a folder in no library is rejected on its own",
    "[e2e][server_answer]") {
  FakePlex plex(kToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}, {"1", "Movies", "movie", {"/movies"}}});
  plex.refuse_refreshes_of("2");
  StartedDaemon run(ini_with(target_section("plex", plex.url())));
  const auto& client = run.client;
  const auto& daemon = run.daemon;
  REQUIRE(client
              .post("/api/scan", "{\"paths\": [\"" + kSeasonOne + "\", \"/anime/Naruto\"]}",
                    "application/json")
              .status == 200);

  const std::string seen =
      ", though /library/sections, read again just now, lists TV Shows "
      "(section 2): Plex refuses this section's refresh; trying the folder "
      "again later";
  REQUIRE(eventually([&] {
    return client.target_state("plex")->getValue<std::string>("last_error").find(seen) !=
           std::string::npos;
  }));
  const std::string retry_line =
      "1 retry: " + kSeasonOne +
      "; retried because Plex answered HTTP 404 on GET "
      "/library/sections/2/refresh?path=%2Ftv%2FSeverance%2FSeason%2001" +
      seen;
  // Two attempts, each a refresh, the sections read again, and the same refresh.
  REQUIRE(eventually(
      [&] { return plex.requests_to("GET", "/library/sections/2/refresh").size() >= 4; }));
  REQUIRE(eventually([&] { return daemon.output().find(retry_line) != std::string::npos; }));
  const auto state = client.target_state("plex");
  CHECK(state->getValue<std::string>("state") == "running");
  CHECK(state->getValue<int>("queued") == 1);
  CHECK_THAT(daemon.output(), !Contains("is unavailable"));
  CHECK_THAT(daemon.output(), !Contains("answers again"));
  CHECK_THAT(daemon.output(), !Contains("a proxy"));

  const auto history = client.get_json("/api/history?target=plex")->getArray("history");
  REQUIRE(history->size() == 1);
  CHECK(history->getObject(0)->getValue<std::string>("outcome") == "rejected");
  CHECK(history->getObject(0)->getValue<std::string>("reason") ==
        "/anime/Naruto is in no Plex library (libraries: TV Shows (/tv); Movies (/movies))");
  CHECK(plex.refreshes().empty());

  plex.refuse_refreshes_of("");
  REQUIRE(eventually([&] { return client.queue_empty(); }, std::chrono::seconds(15)));
  CHECK(plex.refreshed() == std::vector<std::string>{"section 2 " + kSeasonOne});
}

TEST_CASE(
    "Jellyfin under /jellyfin reached at the bare host names the url to set, and after the "
    "fix and a restart gets every folder once",
    "[e2e][server_answer]") {
  FakeJellyfin jellyfin(kToken, "/jellyfin");
  jellyfin.set_libraries({{"f137a2dd21bbc1b99aa5c0f6bf02a805", "Shows", "tvshows", {"/tv"}}});
  TempDir dir;
  {
    DaemonProcess daemon(dir.path(), ini_with(target_section("jellyfin", jellyfin.url())));
    REQUIRE(daemon.wait_until_listening());
    const DaemonClient client(daemon.url());
    post_two_folders(client);
    const std::string hint = "set url in [target.jellyfin] to " + jellyfin.url() + "/jellyfin";
    require_folders_kept(client, daemon, "jellyfin", hint);
    CHECK(client.target_state("jellyfin")->getValue<std::string>("last_error") ==
          "Jellyfin answered HTTP 302 on GET /Library/VirtualFolders: it points to " +
              jellyfin.url() + "/jellyfin/web/; scanhook does not follow redirects: " + hint);
    CHECK(jellyfin.media_updates().empty());
    daemon.send_signal(SIGTERM);
    REQUIRE(daemon.wait_for_exit() == 0);
  }
  // The start-up with the corrected url does not reject what the first run kept.
  DaemonProcess fixed(dir.path(),
                      ini_with(target_section("jellyfin", jellyfin.url() + "/jellyfin")));
  REQUIRE(fixed.wait_until_listening());
  const DaemonClient client(fixed.url());
  require_delivered_once(client, "jellyfin");
  CHECK(all_updates(jellyfin.media_updates()) == kBothUpdates);
}

TEST_CASE("a proxy redirecting Plex to https pauses it with the url to set, until it stops",
          "[e2e][server_answer]") {
  FakePlex plex(kToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  // nginx's `return 301 https://$host$request_uri;` in front of Plex.
  const std::string https = "https://127.0.0.1:" + std::to_string(plex.port());
  plex.fail_with(HttpReply{
      301,
      "text/html",
      "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 "
      "Moved Permanently</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n</body>\r\n"
      "</html>\r\n",
      {{"Location", https + "/library/sections"}}});
  Run run(target_section("plex", plex.url()));
  const auto& client = run.client;
  const auto& daemon = run.daemon;
  require_folders_kept(client, daemon, "plex", "set url in [target.plex] to " + https);
  CHECK_THAT(client.target_state("plex")->getValue<std::string>("last_error"),
             Contains("Plex answered HTTP 301 on GET /library/sections: it points to " + https +
                      "/library/sections"));

  plex.clear_failure();
  require_delivered_once(client, "plex");
  CHECK(plex.refreshes().size() == 2);
}

TEST_CASE("a login proxy redirecting Emby's API pauses it with a hint, until it lets scanhook in",
          "[e2e][server_answer]") {
  FakeEmby emby(kToken);
  emby.set_libraries({{"4", "TV", "tvshows", {"/tv"}}});
  // A forward-auth proxy (Authelia's style) sends an API call to its login page.
  emby.fail_with(HttpReply{
      302,
      "text/html; charset=utf-8",
      "<a href=\"https://auth.example.test/?rd=x\">Found</a>.",
      {{"Location", "https://auth.example.test/?rd=http%3A%2F%2F127.0.0.1%2Femby%2FLibrary"}}});
  Run run(target_section("emby", emby.url() + "/emby"));
  const auto& client = run.client;
  const auto& daemon = run.daemon;
  require_folders_kept(client, daemon, "emby", "away from Emby (a login page of a proxy");
  CHECK_THAT(client.target_state("emby")->getValue<std::string>("last_error"),
             Contains("Emby answered HTTP 302 on GET /Library/SelectableMediaFolders: it points "
                      "to https://auth.example.test/"));

  emby.clear_failure();
  require_delivered_once(client, "emby");
  CHECK(all_updates(emby.media_updates()) == kBothUpdates);
}

TEST_CASE("an HTML 502 page from a proxy pauses Jellyfin, which gets every folder once later",
          "[e2e][server_answer]") {
  FakeJellyfin jellyfin(kToken);
  jellyfin.set_libraries({{"f137a2dd21bbc1b99aa5c0f6bf02a805", "Shows", "tvshows", {"/tv"}}});
  jellyfin.fail_with(HttpReply{502, "text/html", kNginx502, {}});
  Run run(target_section("jellyfin", jellyfin.url()));
  const auto& client = run.client;
  const auto& daemon = run.daemon;
  require_folders_kept(client, daemon, "jellyfin",
                       "Jellyfin answered HTTP 502 on GET /Library/VirtualFolders with a web page, "
                       "not an answer of Jellyfin's API: a proxy in front of Jellyfin cannot "
                       "reach it");

  jellyfin.clear_failure();
  require_delivered_once(client, "jellyfin");
  CHECK(all_updates(jellyfin.media_updates()) == kBothUpdates);
}

// nginx's `limit_except GET { deny all; }` in front of Jellyfin: every GET (the
// probe's /System/Info/Public and /Library/VirtualFolders) passes, the scan's
// POST gets nginx 1.22's 403 page. On main: paused and resumed every probe_interval.
TEST_CASE(
    "Jellyfin unavailable again right after each passing probe is probed less and less often, "
    "and gets every folder once when the proxy lets it through",
    "[e2e][server_answer]") {
  FakeJellyfin jellyfin(kToken);
  jellyfin.set_libraries({{"f137a2dd21bbc1b99aa5c0f6bf02a805", "Shows", "tvshows", {"/tv"}}});
  jellyfin.fail_route_with(
      "POST", "/Library/Media/Updated",
      HttpReply{403,
                "text/html",
                "<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n"
                "<center><h1>403 Forbidden</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
                "</body>\r\n</html>\r\n",
                {}});
  Run run(target_section("jellyfin", jellyfin.url()));  // probe_interval = 100ms, retry_max = 5s
  const auto& client = run.client;
  const auto& daemon = run.daemon;

  REQUIRE(eventually([&] { return daemon.output().find("3 times in a row") != std::string::npos; },
                     std::chrono::seconds(10)));
  // Pauses of 100, 200, 400 and 800 ms: four POSTs, not one every 100 ms.
  CHECK(jellyfin.requests_to("POST", "/Library/Media/Updated").size() <= 5);
  CHECK_THAT(daemon.output(),
             Contains("target jellyfin is unavailable again (Jellyfin rejected the token (HTTP "
                      "403 on POST /Library/Media/Updated): check token in [target.jellyfin]) "
                      "right after its probe passed, 2 times in a row: the probe does not see this "
                      "failure; paused, next probe in 400ms"));
  CHECK(client.queued_folders() == 2);

  jellyfin.clear_failure();
  require_delivered_once(client, "jellyfin");
  CHECK(all_updates(jellyfin.media_updates()) == kBothUpdates);
}

TEST_CASE("a 429 with Retry-After is waited out as asked, and every folder arrives once",
          "[e2e][server_answer]") {
  FakeJellyfin jellyfin(kToken);
  jellyfin.set_libraries({{"f137a2dd21bbc1b99aa5c0f6bf02a805", "Shows", "tvshows", {"/tv"}}});
  jellyfin.fail_with(429, 2);
  Run run(target_section("jellyfin", jellyfin.url()));
  const auto& client = run.client;
  const auto& daemon = run.daemon;
  require_folders_kept(client, daemon, "jellyfin",
                       "Jellyfin answered HTTP 429 on GET /Library/VirtualFolders",
                       /*paused=*/false);
  CHECK_THAT(daemon.output(), Contains("; retried because Jellyfin answered HTTP "
                                       "429 on GET /Library/VirtualFolders"));
  // With the 100 ms backoff each folder would be asked again four times in
  // 1.5 s; as Jellyfin asked, each waits 2 s: at most one call per folder.
  const auto first = jellyfin.requests().at(0).received;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500) -
                              (std::chrono::steady_clock::now() - first));
  const auto early = jellyfin.requests();
  CHECK(std::count_if(early.begin(), early.end(), [&](const auto& request) {
          return request.received - first < std::chrono::milliseconds(1500);
        }) <= 2);
  jellyfin.clear_failure();
  require_delivered_once(client, "jellyfin");
  CHECK(all_updates(jellyfin.media_updates()) == kBothUpdates);
}

TEST_CASE("a folder rejected under an older configuration is offered, and retried, once fixed",
          "[e2e][server_answer]") {
  FakePlex plex(kToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  TempDir dir;
  std::int64_t rejected_id = 0;
  {
    // /media/tv is Plex's /tv, but the target has no rewrite yet: in no library.
    DaemonProcess daemon(dir.path(), ini_with(target_section("plex", plex.url())));
    REQUIRE(daemon.wait_until_listening());
    const DaemonClient client(daemon.url());
    REQUIRE(
        client.post("/api/scan", "{\"paths\": [\"/media/tv/Show/Season 1\"]}", "application/json")
            .status == 200);
    REQUIRE(eventually([&] { return client.queue_empty(); }));
    const auto entry =
        client.get_json("/api/history?target=plex")->getArray("history")->getObject(0);
    CHECK(entry->getValue<std::string>("outcome") == "rejected");
    CHECK_THAT(entry->getValue<std::string>("reason"), Contains("is in no Plex library"));
    CHECK(entry->getValue<bool>("retryable"));
    CHECK_FALSE(entry->getValue<bool>("config_changed"));
    rejected_id = entry->getValue<std::int64_t>("id");
    daemon.send_signal(SIGTERM);
    REQUIRE(daemon.wait_for_exit() == 0);
  }
  DaemonProcess daemon(
      dir.path(), ini_with(target_section("plex", plex.url(), "rewrite = /media/tv => /tv\n")));
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());
  const auto entry = client.get_json("/api/history?target=plex")->getArray("history")->getObject(0);
  CHECK(entry->getValue<std::int64_t>("id") == rejected_id);
  CHECK(entry->getValue<bool>("config_changed"));
  CHECK(entry->getValue<std::int64_t>("retried_at") == 0);
  CHECK(plex.refreshes().empty());

  const std::string route = "/api/history/" + std::to_string(rejected_id) + "/retry";
  const auto retried = client.post(route, "", "application/json");
  REQUIRE(retried.status == 200);
  CHECK_THAT(retried.body, Contains("\"target\":\"plex\""));
  REQUIRE(eventually([&] { return plex.refreshes().size() == 1; }));
  CHECK(plex.refreshed() == std::vector<std::string>{"section 2 /tv/Show/Season 1"});
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  const auto history = client.get_json("/api/history?target=plex")->getArray("history");
  REQUIRE(history->size() == 2);
  CHECK(history->getObject(0)->getValue<std::string>("outcome") == "ok");
  CHECK_FALSE(history->getObject(0)->getValue<bool>("retryable"));
  CHECK(history->getObject(1)->getValue<std::int64_t>("retried_at") > 0);

  // Only a rejected row, by a positive id, that exists.
  const auto ok_id = history->getObject(0)->getValue<std::int64_t>("id");
  CHECK(client.post("/api/history/" + std::to_string(ok_id) + "/retry", "", "application/json")
            .status == 409);
  CHECK(client.post("/api/history/abc/retry", "", "application/json").status == 400);
  CHECK(client.post("/api/history/999999/retry", "", "application/json").status == 404);
  CHECK(plex.refreshes().size() == 1);
}

TEST_CASE("retrying a rejected folder needs the [server] credentials", "[e2e][server_answer]") {
  FakePlex plex(kToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  TempDir dir;
  DaemonProcess daemon(dir.path(),
                       "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\n"
                       "username = admin\npassword = pw-7c1d\n"
                       "[queue]\nminimum_age = 0s\nidle_interval = 20ms\n" +
                           target_section("plex", plex.url()));
  REQUIRE(daemon.wait_until_listening());
  const scanhook::support::HttpClient http(daemon.url(), {});
  const scanhook::HeaderList basic{
      {"Authorization", "Basic YWRtaW46cHctN2MxZA=="}};  // admin:pw-7c1d
  REQUIRE(http.send("POST", "/api/scan", basic, "{\"paths\":[\"/films/Heat (1995)\"]}",
                    "application/json")
              .status == 200);
  std::string history;
  REQUIRE(eventually([&] {
    history = http.send("GET", "/api/history", basic).body;
    return history.find("\"outcome\":\"rejected\"") != std::string::npos;
  }));
  const auto id_at = history.find("\"id\":") + 5;
  const std::string route =
      "/api/history/" + history.substr(id_at, history.find(',', id_at) - id_at) + "/retry";

  CHECK(http.send("POST", route, {}, "", "application/json").status == 401);
  CHECK(http.send("POST", route, {{"Authorization", "Basic YWRtaW46d3Jvbmc="}}, "",
                  "application/json")
            .status == 401);
  CHECK_THAT(http.send("GET", "/api/queue", basic).body, Contains("\"total\":0"));
  CHECK(http.send("POST", route, basic, "", "application/json").status == 200);
  // Sent again, and (still in no library) rejected again: a second history row.
  CHECK(eventually([&] {
    const std::string after = http.send("GET", "/api/history", basic).body;
    std::size_t rows = 0;
    for (auto at = after.find("\"outcome\":\"rejected\""); at != std::string::npos;
         at = after.find("\"outcome\":\"rejected\"", at + 1))
      ++rows;
    return rows == 2;
  }));
}
