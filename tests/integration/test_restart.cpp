// What scanhookd does with the queue it finds at start-up.
#include <catch2/catch.hpp>

#include <signal.h>

#include <filesystem>
#include <regex>
#include <thread>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_daemon.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::install_plugins;
using scanhook::testing::TempDir;

namespace {

// A recorder source and the given recorder targets; by default nothing is due for an hour.
std::string ini_with_targets(const std::vector<std::string>& targets,
                             const std::string& queue = "minimum_age = 1h\n") {
  std::string ini =
      "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\nplugin_dir = {dir}/plugins\n"
      "access_log = false\n[queue]\n" +
      queue + "[source.arr]\nplugin = recorder\n";
  for (const auto& target : targets)
    ini += "[target." + target + "]\nplugin = recorder\nrecord = {dir}/" + target + "\n";
  return ini;
}

}  // namespace

TEST_CASE("deliveries owed to a target removed from the configuration are dropped at start-up",
          "[restart]") {
  TempDir dir;
  install_plugins(dir.path(), {"recorder"});
  {
    DaemonProcess daemon(dir.path(), ini_with_targets({"kept", "gone"}));
    REQUIRE(daemon.wait_until_listening());
    const auto answer =
        DaemonClient(daemon.url())
            .post("/triggers/arr", R"({"paths": ["/tv/Show/Season 1"]})", "application/json");
    REQUIRE(answer.status == 200);
    daemon.send_signal(SIGKILL);  // what was answered or delivered is on disk
    REQUIRE(daemon.wait_for_exit() == 128 + SIGKILL);
  }
  DaemonProcess daemon(dir.path(), ini_with_targets({"kept"}));
  REQUIRE(daemon.wait_until_listening());
  CHECK_THAT(daemon.output(), Contains("[target.gone] is no longer configured: dropped its 1 "
                                       "queued delivery, each with a history row"));
  const DaemonClient client(daemon.url());
  const auto history = client.get_json("/api/history")->getArray("history");
  REQUIRE(history->size() == 1);
  const auto dropped = history->getObject(0);
  CHECK(dropped->getValue<std::string>("folder") == "/tv/Show/Season 1");
  CHECK(dropped->getValue<std::string>("target") == "gone");
  CHECK(dropped->getValue<std::string>("outcome") == "dropped");
  CHECK(dropped->getValue<std::string>("reason") == "the target is no longer configured");
  // The target still configured still owes the folder.
  const auto folders = client.get_json("/api/queue")->getArray("folders");
  REQUIRE(folders->size() == 1);
  const auto deliveries = folders->getObject(0)->getArray("deliveries");
  REQUIRE(deliveries->size() == 1);
  CHECK(deliveries->getObject(0)->getValue<std::string>("target") == "kept");
}

TEST_CASE(
    "a renamed target's queued deliveries are named at start-up: the old name, how many, where "
    "they went and how to queue them again",
    "[restart]") {
  // Found by a new-user trial: a rename dropped them with one anonymous count.
  TempDir dir;
  install_plugins(dir.path(), {"recorder"});
  {
    DaemonProcess daemon(dir.path(), ini_with_targets({"plex"}));
    REQUIRE(daemon.wait_until_listening());
    const auto answer =
        DaemonClient(daemon.url())
            .post("/triggers/arr", R"({"paths": ["/tv/A/S1", "/tv/B/S1"]})", "application/json");
    REQUIRE(answer.status == 200);
  }
  DaemonProcess daemon(dir.path(), ini_with_targets({"plex_main"}));
  REQUIRE(daemon.wait_until_listening());
  CHECK_THAT(daemon.output(),
             Contains("[target.plex] is no longer configured: dropped its 2 queued deliveries, "
                      "each with a history row (GET /api/history?target=plex&outcome=dropped). "
                      "If it was renamed, queue those folders again (POST /api/scan)"));
  CHECK_THAT(daemon.output(), !Contains("plex_main] is no longer"));
  const auto history =
      DaemonClient(daemon.url()).get_json("/api/history?target=plex&outcome=dropped");
  CHECK(history->getValue<int>("total") == 2);
}

TEST_CASE("a webhook refused at the door is replayed into the queue once its rewrite is fixed",
          "[restart]") {
  TempDir dir;
  install_plugins(dir.path(), {"recorder"});
  const std::string ini = ini_with_targets({"rec"});
  {
    DaemonProcess daemon(dir.path(), ini);
    REQUIRE(daemon.wait_until_listening());
    const auto refused =
        DaemonClient(daemon.url())
            .post("/triggers/arr", R"({"paths": ["D:\\Movies\\Film"]})", "application/json");
    CHECK(refused.status == 400);
    CHECK_THAT(refused.body, Contains(R"("dead_letter":1)"));
    daemon.send_signal(SIGKILL);  // what was answered or delivered is on disk
    REQUIRE(daemon.wait_for_exit() == 128 + SIGKILL);
  }
  // The fix: the source learns where the media server sees D:\Movies.
  const std::string fixed =
      std::regex_replace(ini, std::regex("plugin = recorder\n"),
                         "plugin = recorder\nrewrite = D:\\Movies => /mnt/movies\n",
                         std::regex_constants::format_first_only);
  DaemonProcess daemon(dir.path(), fixed);
  REQUIRE(daemon.wait_until_listening());
  const DaemonClient client(daemon.url());
  const auto replayed = client.post("/api/deadletters/1/replay", "", "application/json");
  CHECK(replayed.status == 200);
  const auto folders = client.get_json("/api/queue")->getArray("folders");
  REQUIRE(folders->size() == 1);
  CHECK(folders->getObject(0)->getValue<std::string>("path") == "/mnt/movies/Film");
}

// At start-up (and then every interval while it runs: test_history_pruner.cpp).
TEST_CASE("history rows older than history_retention are pruned at start-up", "[restart]") {
  TempDir dir;
  install_plugins(dir.path(), {"recorder"});
  const auto history_size = [](const DaemonProcess& daemon) {
    return DaemonClient(daemon.url()).get_json("/api/history")->getArray("history")->size();
  };
  {
    DaemonProcess daemon(dir.path(),
                         ini_with_targets({"rec"}, "minimum_age = 0s\nidle_interval = 20ms\n"));
    REQUIRE(daemon.wait_until_listening());
    REQUIRE(DaemonClient(daemon.url())
                .post("/triggers/arr", R"({"paths": ["/tv/A"]})", "application/json")
                .status == 200);
    REQUIRE(scanhook::testing::eventually([&] { return history_size(daemon) == 1; }));
    daemon.send_signal(SIGKILL);  // what was answered or delivered is on disk
    REQUIRE(daemon.wait_for_exit() == 128 + SIGKILL);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  {
    DaemonProcess daemon(dir.path(), ini_with_targets({"rec"}, "history_retention = 1h\n"));
    REQUIRE(daemon.wait_until_listening());
    CHECK(history_size(daemon) == 1);  // younger than the retention: kept
    daemon.send_signal(SIGKILL);       // what was answered or delivered is on disk
    REQUIRE(daemon.wait_for_exit() == 128 + SIGKILL);
  }
  DaemonProcess daemon(dir.path(), ini_with_targets({"rec"}, "history_retention = 250ms\n"));
  REQUIRE(daemon.wait_until_listening());
  CHECK(history_size(daemon) == 0);
}
