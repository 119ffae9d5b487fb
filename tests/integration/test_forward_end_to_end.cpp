// The forward target end to end: two real scanhookd, the first (a seedbox's)
// handing folders to the second (beside the media server), whose rewrite
// and recording target show what arrived.
#include <catch2/catch.hpp>

#include <Poco/JSON/Array.h>
#include <algorithm>
#include <filesystem>

#include "support/eventually.hpp"
#include "support/plugin_daemon.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::PluginDaemon;

namespace {

const std::string kUser = "seedbox";
const std::string kPassword = "f0rward-s3cret";

// The instance beside the media server: credentials, the manual trigger's
// rewrite from the seedbox's folders, and its target's rewrite to the
// server's.
PluginDaemon receiver(const std::string& listen = "127.0.0.1:0",
                      const std::string& server_lines = "") {
  return PluginDaemon(
      {"recorder"},
      "[manual]\nrewrite = /home/seed/media => /data\n"
      "[target.rec]\nplugin = recorder\nrecord = {dir}/record\n"
      "rewrite = /data => /mnt/media\n",
      {listen, "username = " + kUser + "\npassword = " + kPassword + "\n" + server_lines, {}});
}

// The seedbox's instance: one forward target.
class Sender {
 public:
  explicit Sender(const std::string& target)
      : daemon_({"forward"}, "[target.home]\nplugin = forward\n" + target) {}

  void scan(const std::string& paths_json) const {
    daemon_.client().post_json("/api/scan", "{\"paths\":" + paths_json + "}");
  }
  // outcome and "target_path: reason" of each history row, once there are `count`.
  std::vector<std::pair<std::string, std::string>> history(std::size_t count) const {
    std::vector<std::pair<std::string, std::string>> rows;
    eventually(
        [&] {
          rows.clear();
          const auto entries = daemon_.client().get_json("/api/history")->getArray("history");
          for (std::size_t i = 0; i < entries->size(); ++i) {
            const auto entry = entries->getObject(static_cast<unsigned>(i));
            rows.emplace_back(entry->getValue<std::string>("outcome"),
                              entry->getValue<std::string>("target_path") + ": " +
                                  entry->getValue<std::string>("reason"));
          }
          return rows.size() >= count;
        },
        std::chrono::seconds(15));
    std::sort(rows.begin(), rows.end());
    return rows;
  }
  const DaemonClient& client() const { return daemon_.client(); }
  DaemonProcess& daemon() { return daemon_.process(); }

 private:
  PluginDaemon daemon_;
};

std::string credentials() {
  return "username = " + kUser + "\npassword = " + kPassword + "\n";
}

}  // namespace

TEST_CASE("forward hands folders to another scanhook's /api/scan, which applies its rewrite",
          "[e2e][forward]") {
  PluginDaemon home = receiver();
  Sender seedbox("url = " + home.url() + "\n" + credentials());
  seedbox.scan(R"j(["/data/tv/Severance/Season 02", "/data/movies/Dune Part Two (2024)"])j");
  REQUIRE(home.recorded_at_least(2));
  auto recorded = home.recorded();
  std::sort(recorded.begin(), recorded.end());
  CHECK(recorded == std::vector<std::string>{"/mnt/media/movies/Dune Part Two (2024)",
                                             "/mnt/media/tv/Severance/Season 02"});
  const auto rows = seedbox.history(2);
  for (const auto& row : rows) CHECK(row.first == "ok");
}

TEST_CASE("forward speaks autoscan's manual trigger: the receiver's [manual] rewrite applies",
          "[e2e][forward]") {
  PluginDaemon home = receiver();
  Sender seedbox("url = " + home.url() + "\nreceiver = autoscan\n" + credentials());
  seedbox.scan(R"j(["/home/seed/media/tv/Andor/Season 01", "/home/seed/media/tv/Andor & Co"])j");
  REQUIRE(home.recorded_at_least(2));
  auto recorded = home.recorded();
  std::sort(recorded.begin(), recorded.end());
  CHECK(recorded ==
        std::vector<std::string>{"/mnt/media/tv/Andor & Co", "/mnt/media/tv/Andor/Season 01"});
}

TEST_CASE("a wrong password pauses the forward target and keeps the folder", "[e2e][forward]") {
  PluginDaemon home = receiver();
  Sender seedbox("url = " + home.url() + "\nusername = " + kUser + "\npassword = wrong\n");
  seedbox.scan(R"j(["/data/tv/Severance/Season 02"])j");
  REQUIRE(seedbox.daemon().wait_for_output("target home is unavailable"));
  CHECK_THAT(seedbox.daemon().output(), Contains("username/password"));
  CHECK(seedbox.client().queued_folders() == 1);
  CHECK(home.recorded().empty());
}

TEST_CASE("a receiver that is down is waited for, then gets the folder", "[e2e][forward]") {
  PluginDaemon home = receiver();
  const std::string listen = home.listen();
  const std::string url = home.url();
  home.stop();
  Sender seedbox("url = " + url + "\n" + credentials());
  seedbox.scan(R"j(["/data/tv/Severance/Season 02"])j");
  REQUIRE(seedbox.daemon().wait_for_output("target home is unavailable"));
  CHECK_THAT(seedbox.daemon().output(), Contains("refused"));
  home.start(listen);
  REQUIRE(home.recorded_at_least(1));
  CHECK(home.recorded() == std::vector<std::string>{"/mnt/media/tv/Severance/Season 02"});
}

TEST_CASE(
    "a folder the receiver refuses is rejected with its reason, and the rest of the batch "
    "arrives",
    "[e2e][forward]") {
  PluginDaemon home = receiver();
  // The sender's rewrite turns /win folders into a Windows path, which the
  // receiver's door refuses (400): no rewrite of its own maps it.
  Sender seedbox("url = " + home.url() + "\n" + credentials() + "rewrite = /win => T:\\tv\n");
  seedbox.scan(R"j(["/win/Show", "/data/tv/Severance/Season 02"])j");
  const auto rows = seedbox.history(2);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].first == "ok");
  CHECK(rows[1].first == "rejected");
  CHECK_THAT(rows[1].second, Contains("T:\\tv\\Show"));
  CHECK_THAT(rows[1].second, Contains("400"));
  CHECK(home.recorded() == std::vector<std::string>{"/mnt/media/tv/Severance/Season 02"});
}

TEST_CASE("a batch larger than the receiver takes at once (413) arrives in smaller requests",
          "[e2e][forward]") {
  PluginDaemon home = receiver("127.0.0.1:0", "max_paths_per_request = 2\n");
  Sender seedbox("url = " + home.url() + "\n" + credentials());
  seedbox.scan(R"j(["/data/tv/A", "/data/tv/B", "/data/tv/C", "/data/tv/D", "/data/tv/E"])j");
  REQUIRE(home.recorded_at_least(5));
  auto recorded = home.recorded();
  std::sort(recorded.begin(), recorded.end());
  CHECK(recorded == std::vector<std::string>{"/mnt/media/tv/A", "/mnt/media/tv/B",
                                             "/mnt/media/tv/C", "/mnt/media/tv/D",
                                             "/mnt/media/tv/E"});
  for (const auto& row : seedbox.history(5)) CHECK(row.first == "ok");
}
