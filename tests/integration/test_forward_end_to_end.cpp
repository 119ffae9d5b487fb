// The forward target end to end: two real scanhookd, the first (a seedbox's)
// handing folders to the second (beside the media server), whose rewrite
// and recording target show what arrived.
#include <catch2/catch.hpp>

#include <signal.h>

#include <Poco/JSON/Array.h>

#include <algorithm>
#include <filesystem>

#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_folder.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::fill_plugin_folder;
using scanhook::testing::recorded_folders;
using scanhook::testing::TempDir;

namespace {

const std::string kUser = "seedbox";
const std::string kPassword = "f0rward-s3cret";

const std::string kQueue =
    "[queue]\nminimum_age = 0s\nidle_interval = 20ms\nretry_initial = 100ms\nretry_max = 200ms\n"
    "probe_interval = 100ms\n";

// The instance beside the media server: credentials, the manual trigger's
// rewrite from the seedbox's folders, and its target's rewrite to the
// server's.
class Receiver {
 public:
  explicit Receiver(const std::string& listen = "127.0.0.1:0") {
    fill_plugin_folder(dir_.path() / "plugins", {"recorder"});
    start(listen);
  }
  void start(const std::string& listen) {
    daemon_ = std::make_unique<DaemonProcess>(
        dir_.path(), "[server]\nlisten = " + listen +
                         "\ndatabase = {dir}/scanhook.db\nplugin_dir = {dir}/plugins\n"
                         "access_log = false\nusername = " +
                         kUser + "\npassword = " + kPassword + "\n" + kQueue +
                         "[manual]\nrewrite = /home/seed/media => /data\n"
                         "[target.rec]\nplugin = recorder\nrecord = {dir}/record\n"
                         "rewrite = /data => /mnt/media\n");
    REQUIRE(daemon_->wait_until_listening());
  }
  void stop() {
    daemon_->send_signal(SIGTERM);
    REQUIRE(daemon_->wait_for_exit());
  }
  std::string url() const { return daemon_->url(); }
  std::string listen() const { return "127.0.0.1:" + std::to_string(daemon_->port()); }
  std::vector<std::string> recorded() const { return recorded_folders(dir_.path() / "record"); }
  bool received(std::size_t count) const {
    return eventually([&] { return recorded().size() >= count; }, std::chrono::seconds(15));
  }

 private:
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
};

// The seedbox's instance: one forward target.
class Sender {
 public:
  explicit Sender(const std::string& target) {
    fill_plugin_folder(dir_.path() / "plugins", {"forward"});
    daemon_ = std::make_unique<DaemonProcess>(
        dir_.path(),
        "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\n"
        "plugin_dir = {dir}/plugins\naccess_log = false\n" +
            kQueue + "[target.home]\nplugin = forward\n" + target);
    REQUIRE(daemon_->wait_until_listening());
    client_ = std::make_unique<DaemonClient>(daemon_->url());
  }
  void scan(const std::string& paths_json) const {
    client_->post_json("/api/scan", "{\"paths\":" + paths_json + "}");
  }
  // outcome and reason of each history row, once there are `count`.
  std::vector<std::pair<std::string, std::string>> history(std::size_t count) const {
    std::vector<std::pair<std::string, std::string>> rows;
    eventually(
        [&] {
          rows.clear();
          const auto entries = client_->get_json("/api/history")->getArray("history");
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
  const DaemonClient& client() const { return *client_; }
  DaemonProcess& daemon() { return *daemon_; }

 private:
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::unique_ptr<DaemonClient> client_;
};

std::string credentials() {
  return "username = " + kUser + "\npassword = " + kPassword + "\n";
}

}  // namespace

TEST_CASE("forward hands folders to another scanhook's /api/scan, which applies its rewrite",
          "[e2e][forward]") {
  Receiver home;
  Sender seedbox("url = " + home.url() + "\n" + credentials());
  seedbox.scan(R"j(["/data/tv/Severance/Season 02", "/data/movies/Dune Part Two (2024)"])j");
  REQUIRE(home.received(2));
  auto recorded = home.recorded();
  std::sort(recorded.begin(), recorded.end());
  CHECK(recorded == std::vector<std::string>{"/mnt/media/movies/Dune Part Two (2024)",
                                             "/mnt/media/tv/Severance/Season 02"});
  const auto rows = seedbox.history(2);
  for (const auto& row : rows) CHECK(row.first == "ok");
}

TEST_CASE("forward speaks autoscan's manual trigger: the receiver's [manual] rewrite applies",
          "[e2e][forward]") {
  Receiver home;
  Sender seedbox("url = " + home.url() + "\nreceiver = autoscan\n" + credentials());
  seedbox.scan(R"j(["/home/seed/media/tv/Andor/Season 01", "/home/seed/media/tv/Andor & Co"])j");
  REQUIRE(home.received(2));
  auto recorded = home.recorded();
  std::sort(recorded.begin(), recorded.end());
  CHECK(recorded ==
        std::vector<std::string>{"/mnt/media/tv/Andor & Co", "/mnt/media/tv/Andor/Season 01"});
}

TEST_CASE("a wrong password pauses the forward target and keeps the folder", "[e2e][forward]") {
  Receiver home;
  Sender seedbox("url = " + home.url() + "\nusername = " + kUser + "\npassword = wrong\n");
  seedbox.scan(R"j(["/data/tv/Severance/Season 02"])j");
  REQUIRE(seedbox.daemon().wait_for_output("target home is unavailable"));
  CHECK_THAT(seedbox.daemon().output(), Contains("username/password"));
  CHECK(seedbox.client().queued_folders() == 1);
  CHECK(home.recorded().empty());
}

TEST_CASE("a receiver that is down is waited for, then gets the folder", "[e2e][forward]") {
  Receiver home;
  const std::string listen = home.listen();
  const std::string url = home.url();
  home.stop();
  Sender seedbox("url = " + url + "\n" + credentials());
  seedbox.scan(R"j(["/data/tv/Severance/Season 02"])j");
  REQUIRE(seedbox.daemon().wait_for_output("target home is unavailable"));
  CHECK_THAT(seedbox.daemon().output(), Contains("refused"));
  home.start(listen);
  REQUIRE(home.received(1));
  CHECK(home.recorded() == std::vector<std::string>{"/mnt/media/tv/Severance/Season 02"});
}

TEST_CASE(
    "a folder the receiver refuses is rejected with its reason; the rest of the batch "
    "arrives",
    "[e2e][forward]") {
  Receiver home;
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
