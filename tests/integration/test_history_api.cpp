// The History page's API, dead-letter deletion and a target's "unknown"
// state, through a running scanhookd with the recorder test plugin (a
// library at /tv: a folder elsewhere is rejected, as a media server rejects it).
#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>

#include <filesystem>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_daemon.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::install_plugins;
using scanhook::testing::TempDir;

namespace {

const std::string kIni =
    "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\nplugin_dir = {dir}/plugins\n"
    "[queue]\nminimum_age = 0s\nidle_interval = 20ms\n"
    "[target.recorder]\nrecord = {dir}/recorded.txt\nlibrary = /tv\n";

struct Rig {
  TempDir dir;
  std::unique_ptr<DaemonProcess> daemon;

  explicit Rig(const std::string& ini = kIni) {
    install_plugins(dir.path(), {"recorder", "plex", "sonarr"});
    daemon = std::make_unique<DaemonProcess>(dir.path(), ini);
    REQUIRE(daemon->wait_until_listening());
  }
  DaemonClient client() const { return DaemonClient(daemon->url()); }
  scanhook::support::HttpResponse get(const std::string& target) const {
    return scanhook::support::HttpClient(daemon->url(), {}).send("GET", target);
  }
  // The folders of GET `target`'s history rows, newest first.
  std::vector<std::string> folders(const std::string& target) const {
    std::vector<std::string> found;
    const auto rows = client().get_json(target)->getArray("history");
    for (std::size_t i = 0; i < rows->size(); ++i)
      found.push_back(rows->getObject(static_cast<unsigned>(i))->getValue<std::string>("folder"));
    return found;
  }
  std::int64_t total(const std::string& target) const {
    return client().get_json(target)->getValue<std::int64_t>("total");
  }
};

}  // namespace

TEST_CASE("the history is searched by path and filtered by source, target, outcome and time",
          "[history]") {
  Rig rig;
  const auto started = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  auto client = rig.client();
  client.post_json("/api/scan", R"({"paths":["/tv/Severance/Season 02","/music/Album"]})");
  REQUIRE(client.post("/triggers/manual?dir=/tv/Andor/Season%2001", "", "text/plain").status ==
          200);
  REQUIRE(eventually([&] { return rig.total("/api/history") == 3; }));

  CHECK(rig.folders("/api/history?outcome=rejected") == std::vector<std::string>{"/music/Album"});
  CHECK(rig.folders("/api/history?source=manual") ==
        std::vector<std::string>{"/tv/Andor/Season 01"});
  CHECK(rig.total("/api/history?source=api") == 2);
  // Any case, any part of the folder.
  CHECK(rig.folders("/api/history?path=SEVERANCE") ==
        std::vector<std::string>{"/tv/Severance/Season 02"});
  CHECK(rig.total("/api/history?path=%2Ftv%2F&outcome=ok&target=recorder") == 2);
  CHECK(rig.total("/api/history?target=plex") == 0);
  CHECK(rig.total("/api/history?since=" + std::to_string(started)) == 3);
  CHECK(rig.total("/api/history?until=" + std::to_string(started)) == 0);
  CHECK(rig.total("/api/history?since=2020-01-01T00:00:00Z&until=2020-01-02") == 0);
  CHECK(rig.total("/api/history?since=2020-01-01T00:00:00%2B01:00") == 3);
  const auto page = client.get_json("/api/history?outcome=ok&limit=1&offset=1");
  CHECK(page->getValue<std::int64_t>("total") == 2);
  CHECK(page->getArray("history")->size() == 1);
  const auto rejected =
      client.get_json("/api/history?outcome=rejected")->getArray("history")->getObject(0);
  CHECK(rejected->getValue<std::string>("source") == "api");
  CHECK_THAT(rejected->getValue<std::string>("reason"), Contains("is in no library"));
}

TEST_CASE("a bad history filter is a 400 naming it", "[history]") {
  Rig rig;
  const std::pair<std::string, std::string> cases[] = {
      {"/api/history?outcome=failed", "outcome must be one of ok, rejected, dropped"},
      {"/api/history?since=yesterday", "since must be an ISO 8601 time"},
      {"/api/history?until=-5", "until must be an ISO 8601 time"},
      {"/api/history?since=2026-01-02&until=2026-01-01", "since must be before until"},
      // No since was given: the answer speaks of until alone (a new-user trial).
      {"/api/history?until=0", "until must be after 1970-01-01T00:00:00Z (0)"},
      {"/api/history?outcom=ok", "unknown parameter \\\"outcom\\\" (did you mean 'outcome'?)"},
      {"/api/history?target=a&target=b", "target is given twice"},
      {"/api/history?source=%FF", "source must be UTF-8 text"},
      {"/api/history?path=" + std::string(5000, 'a'), "over the limit of 4096"},
      {"/api/history?limit=0", "limit must be a whole number from 1 to 1000"},
  };
  for (const auto& [target, error] : cases) {
    INFO(target.substr(0, 80));
    const auto response = rig.get(target);
    CHECK(response.status == 400);
    CHECK_THAT(response.body, Contains(error));
  }
}

TEST_CASE("an unknown /api/queue parameter is a 400 naming it, as for the history", "[history]") {
  Rig rig;
  const std::pair<std::string, std::string> cases[] = {
      {"/api/queue?limt=5",
       "unknown parameter \\\"limt\\\" (did you mean 'limit'?); the queue "
       "takes limit and offset"},
      {"/api/queue?target=plex", "unknown parameter \\\"target\\\""},
      {"/api/queue?limit=5&path=/tv", "unknown parameter \\\"path\\\""},
      {"/api/queue?offset=-1", "offset must be a whole number from 0"},
  };
  for (const auto& [target, error] : cases) {
    INFO(target);
    const auto response = rig.get(target);
    CHECK(response.status == 400);
    CHECK_THAT(response.body, Contains(error));
  }
  CHECK(rig.get("/api/queue?limit=5&offset=0").status == 200);
}

TEST_CASE("a dead letter can be deleted, and then it is gone", "[history]") {
  Rig rig(kIni + "[source.sonarr]\n");
  auto client = rig.client();
  REQUIRE(client
              .post("/triggers/sonarr",
                    "{\"eventType\": \"Download\", \"series\": ", "application/json")
              .status == 400);
  const auto letters = client.get_json("/api/deadletters")->getArray("dead_letters");
  REQUIRE(letters->size() == 1);
  const auto id = std::to_string(letters->getObject(0)->getValue<std::int64_t>("id"));
  scanhook::support::HttpClient http(rig.daemon->url(), {});

  CHECK(http.send("DELETE", "/api/deadletters/abc").status == 400);
  CHECK(http.send("DELETE", "/api/deadletters/999").status == 404);
  CHECK(client.get_json("/api/deadletters")->getArray("dead_letters")->size() == 1);
  const auto deleted = http.send("DELETE", "/api/deadletters/" + id);
  CHECK(deleted.status == 200);
  CHECK(deleted.body == "{\"deleted\":" + id + "}");
  CHECK(client.get_json("/api/deadletters")->getArray("dead_letters")->size() == 0);
  CHECK(http.send("DELETE", "/api/deadletters/" + id).status == 404);
  CHECK(http.send("POST", "/api/deadletters/" + id + "/replay").status == 404);
}

TEST_CASE("a target not tried since start-up has no last answer, until it is tried", "[history]") {
  // Nothing listens on port 9 (discard) on the test machines: the target is unreachable.
  Rig rig(kIni + "[target.plex]\nurl = http://127.0.0.1:9\ntoken = t0ken\n");
  auto client = rig.client();
  auto plex = client.target_state("plex");
  CHECK(plex->getValue<std::int64_t>("last_answer") == 0);
  CHECK(plex->getValue<std::string>("state") == "running");
  CHECK(plex->getValue<std::string>("last_error").empty());

  client.post_json("/api/scan", R"({"paths":["/tv/Severance/Season 02"]})");
  REQUIRE(eventually([&] { return client.target_state("plex")->getValue<bool>("paused"); }));
  plex = client.target_state("plex");
  CHECK(plex->getValue<std::int64_t>("last_answer") > 0);
  CHECK_FALSE(plex->getValue<std::string>("last_error").empty());
  // The recorder delivers on its own thread: it answers in its own time.
  CHECK(eventually(
      [&] { return client.target_state("recorder")->getValue<std::int64_t>("last_answer") > 0; }));
}
