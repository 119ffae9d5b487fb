// rclone end to end: the real scanhookd (a child process) refreshing a real
// rclone's VFS before a fake Plex scans, and polling a real rclone remote.
#include <catch2/catch.hpp>

#include <signal.h>

#include <mutex>
#include <thread>

#include "fakes/fake_http_server.hpp"
#include "fakes/fake_plex.hpp"
#include "scanhook/support/http_client.hpp"
#include "support/daemon_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_harness.hpp"
#include "support/rclone_remote.hpp"
#include "support/sonarr_download.hpp"
#include "support/started_daemon.hpp"
#include "support/temp_dir.hpp"
#include "support/untimed_rclone.hpp"

using Catch::Matchers::Contains;
using scanhook::HttpReply;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::FakePlex;
using scanhook::fakes::RecordedRequest;
using scanhook::testing::DaemonClient;
using scanhook::testing::DaemonProcess;
using scanhook::testing::eventually;
using scanhook::testing::post_sonarr_download;
using scanhook::testing::quick_daemon_ini;
using scanhook::testing::RcloneRemote;
using scanhook::testing::TempDir;
using scanhook::testing::UntimedRclone;
using Clock = std::chrono::steady_clock;

namespace {

const std::string kPlexToken = "plex-token-4f1a";
const std::string kHookToken = "hook-secret-31";
// The folder of the episode in tests/data/sonarr/v4/download.json (/tv/Severance/Season 02)
// as the mount shows it, and as rclone's VFS names it.
const std::string kSeverance = "/mnt/remote/tv/Severance/Season 02";
const std::string kSeveranceDir = "tv/Severance/Season 02";
const std::string kEpisode = kSeveranceDir + "/Severance - S02E01.mkv";

// Sits between scanhookd and rclone, which keeps no record of its calls:
// forwards each call after `delay` and notes what rclone answered and when.
class RecordingProxy {
 public:
  struct Call {
    std::string path;
    std::string body;
    int status;
    std::string answer;
    Clock::time_point answered;
  };

  RecordingProxy(const std::string& upstream, std::chrono::milliseconds delay)
      : upstream_(upstream, {}),
        delay_(delay),
        server_([this](const RecordedRequest& request) { return forward(request); }) {}

  std::string url() const { return server_.url(); }
  void set_down(bool down) { server_.set_down(down); }
  std::vector<Call> calls_to(const std::string& path) const {
    std::lock_guard lock(mutex_);
    std::vector<Call> found;
    for (const auto& call : calls_)
      if (call.path == path) found.push_back(call);
    return found;
  }

 private:
  HttpReply forward(const RecordedRequest& request) {
    std::this_thread::sleep_for(delay_);
    const auto response = upstream_.send(request.method, request.path, {}, request.body,
                                         request.header("Content-Type").value_or(""));
    std::lock_guard lock(mutex_);
    calls_.push_back({request.path, request.body, response.status, response.body, Clock::now()});
    return {response.status == 0 ? 502 : response.status, "application/json", response.body, {}};
  }

  scanhook::support::HttpClient upstream_;
  std::chrono::milliseconds delay_;
  mutable std::mutex mutex_;
  std::vector<Call> calls_;
  FakeHttpServer server_;  // last: it calls forward() until it is gone
};

std::string plex_ini(const FakePlex& plex) {
  return "[target.plex]\nurl = " + plex.url() + "\ntoken = " + kPlexToken + "\n";
}

// Sonarr in, rclone (through the proxy) in the prepare stage, Plex in the scan stage; the
// media live in an rclone mount at /mnt/remote, set up as the README says.
std::string staged_ini(const RecordingProxy& proxy, const FakePlex& plex, bool required) {
  return quick_daemon_ini() + "[source.sonarr]\ntoken = " + kHookToken +
         "\nrewrite = /tv => /mnt/remote/tv\n[target.rclone]\nurl = " + proxy.url() +
         "\nrewrite = /mnt/remote =>\nmissing_retry_after = 0s\nrequired = " +
         (required ? "true" : "false") + "\n" + plex_ini(plex);
}

struct StagedRig {
  RcloneRemote remote;
  std::unique_ptr<RecordingProxy> proxy;
  FakePlex plex{kPlexToken};
  TempDir dir;
  std::unique_ptr<DaemonProcess> daemon;
  std::unique_ptr<DaemonClient> client;

  explicit StagedRig(bool uploaded = true)
      : remote(RcloneRemote::Serving::vfs,
               uploaded ? RcloneRemote::Files{{kEpisode, "video"}} : RcloneRemote::Files{}) {
    // Slow enough that a Plex refresh sent without waiting for rclone comes first.
    proxy = std::make_unique<RecordingProxy>(remote.url(), std::chrono::milliseconds(300));
    plex.set_sections({{"2", "TV Shows", "show", {"/mnt/remote/tv"}}});
  }

  void upload() const { remote.write(kEpisode, "video"); }

  // Starts scanhookd on staged_ini and posts Sonarr's download of the episode.
  const DaemonClient& import_episode(bool rclone_required) {
    daemon = std::make_unique<DaemonProcess>(dir.path(), staged_ini(*proxy, plex, rclone_required));
    REQUIRE(daemon->wait_until_listening());
    client = std::make_unique<DaemonClient>(daemon->url());
    post_sonarr_download(*client, kHookToken);
    return *client;
  }
};

// The one vfs/refresh of the folder, answered OK by rclone.
RecordingProxy::Call only_refresh(const RecordingProxy& proxy) {
  const auto calls = proxy.calls_to("/vfs/refresh");
  REQUIRE(calls.size() == 1);
  CHECK(calls[0].body == "{\"dir\":\"" + kSeveranceDir + "\"}");
  CHECK(calls[0].status == 200);
  CHECK_THAT(calls[0].answer, Contains("\"" + kSeveranceDir + "\": \"OK\""));
  return calls[0];
}

Clock::time_point plex_refreshed_at(const FakePlex& plex) {
  const auto calls = plex.requests_to("GET", "/library/sections/2/refresh");
  REQUIRE(calls.size() == 1);
  return calls[0].received;
}

// Once the queue is empty: rclone refreshed the folder once, and Plex scanned
// it only after rclone had answered.
void check_refreshed_before_scan(const StagedRig& rig) {
  REQUIRE(eventually([&] { return rig.client->queue_empty(); }));
  const auto refresh = only_refresh(*rig.proxy);
  CHECK(rig.plex.refreshed() == std::vector<std::string>{"section 2 " + kSeverance});
  CHECK(plex_refreshed_at(rig.plex) >= refresh.answered);
}

}  // namespace

TEST_CASE("a Sonarr import refreshes rclone's VFS before Plex scans the folder", "[e2e][rclone]") {
  StagedRig rig;
  rig.import_episode(true);
  check_refreshed_before_scan(rig);
}

TEST_CASE("a folder still uploading is retried by rclone while Plex waits, then both go",
          "[e2e][rclone]") {
  StagedRig rig(false);
  const DaemonClient& client = rig.import_episode(true);
  // "retry 1 of 5", or a later one on a slow machine.
  const std::string waiting =
      "\"" + kSeveranceDir + "\" does not exist in rclone's VFS yet (retry ";
  REQUIRE(eventually([&] {
    return client.target_state("rclone")->getValue<std::string>("last_error").rfind(waiting, 0) ==
           0;
  }));
  CHECK_THAT(client.target_state("rclone")->getValue<std::string>("last_error"),
             Contains(" of 5; the upload may still be arriving)"));
  CHECK(rig.plex.refreshes().empty());
  rig.upload();

  REQUIRE(eventually([&] { return client.queue_empty(); }));
  const auto refreshes = rig.proxy->calls_to("/vfs/refresh");
  REQUIRE(refreshes.size() >= 2);
  CHECK_THAT(refreshes.back().answer, Contains("\"" + kSeveranceDir + "\": \"OK\""));
  CHECK(rig.plex.refreshed() == std::vector<std::string>{"section 2 " + kSeverance});
  CHECK(plex_refreshed_at(rig.plex) >= refreshes.back().answered);
  const auto history = client.get_json("/api/history?target=rclone")->getArray("history");
  REQUIRE(history->size() == 1);
  CHECK(history->getObject(0)->getValue<std::string>("outcome") == "ok");
  CHECK(history->getObject(0)->getValue<std::string>("target_path") == "/tv/Severance/Season 02");
  CHECK(history->getObject(0)->getValue<int>("attempts") >= 2);
}

TEST_CASE("rclone down with required = true: Plex waits for it", "[e2e][rclone]") {
  StagedRig rig;
  rig.proxy->set_down(true);
  const DaemonClient& client = rig.import_episode(true);
  REQUIRE(eventually([&] { return client.target_state("rclone")->getValue<bool>("paused"); }));
  CHECK_THAT(client.target_state("rclone")->getValue<std::string>("last_error"),
             Contains("rclone"));
  // Twenty idle intervals of the Plex worker: it would have scanned by now.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  CHECK(rig.plex.refreshes().empty());
  CHECK(client.target_state("plex")->getValue<int>("queued") == 1);

  rig.proxy->set_down(false);
  check_refreshed_before_scan(rig);
}

TEST_CASE("rclone down with required = false: Plex goes ahead, rclone catches up",
          "[e2e][rclone]") {
  StagedRig rig;
  rig.proxy->set_down(true);
  const DaemonClient& client = rig.import_episode(false);
  REQUIRE(eventually([&] { return rig.plex.refreshes().size() == 1; }, std::chrono::seconds(3)));
  CHECK(rig.plex.refreshed() == std::vector<std::string>{"section 2 " + kSeverance});
  CHECK(client.target_state("rclone")->getValue<bool>("paused"));
  CHECK(client.target_state("rclone")->getValue<int>("queued") == 1);
  CHECK(rig.proxy->calls_to("/vfs/refresh").empty());

  rig.proxy->set_down(false);
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  only_refresh(*rig.proxy);
  CHECK(rig.plex.refreshes().size() == 1);
}

TEST_CASE("a file new in an rclone remote between polls is scanned once, also across a restart",
          "[e2e][rclone]") {
  RcloneRemote remote;
  remote.write("Show/Season 1/S01E01.mkv", "one");
  FakePlex plex(kPlexToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  const std::string ini = quick_daemon_ini() + remote.source_section() + plex_ini(plex);
  TempDir dir;
  {
    DaemonProcess daemon(dir.path(), ini);
    REQUIRE(daemon.wait_until_listening());
    REQUIRE(daemon.wait_for_output("recorded a baseline of 1 file of " + remote.path().string(),
                                   std::chrono::seconds(5)));
    remote.write("Show/Season 2/S02E01.mkv", "two");
    REQUIRE(eventually([&] { return plex.refreshes().size() == 1; }, std::chrono::seconds(4)));
    const DaemonClient client(daemon.url());
    REQUIRE(eventually([&] { return client.queue_empty(); }));
    daemon.send_signal(SIGTERM);
    REQUIRE(daemon.wait_for_exit() == 0);
  }
  remote.write("Show/Season 3/S03E01.mkv", "three");  // while scanhookd is stopped

  DaemonProcess restarted(dir.path(), ini);
  REQUIRE(restarted.wait_until_listening());
  CHECK(restarted.wait_for_output("resuming from the stored listing of " + remote.path().string() +
                                  " (2 files)"));
  REQUIRE(eventually([&] { return plex.refreshes().size() == 2; }, std::chrono::seconds(4)));
  const DaemonClient client(restarted.url());
  REQUIRE(eventually([&] { return client.queue_empty(); }));
  CHECK(plex.refreshed() ==
        std::vector<std::string>{"section 2 /tv/Show/Season 2", "section 2 /tv/Show/Season 3"});
  CHECK_THAT(restarted.output(), !Contains("recorded a baseline"));
}

TEST_CASE(
    "an rclone remote whose listings have an empty ModTime keeps polling, and a new file is "
    "scanned",
    "[e2e][rclone]") {
  RcloneRemote remote;
  remote.write("Show/Season 1/S01E01.mkv", "one");
  const UntimedRclone untimed(remote.url());
  FakePlex plex(kPlexToken);
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}});
  TempDir dir;
  DaemonProcess daemon(dir.path(),
                       quick_daemon_ini() + remote.source_section(untimed.url()) + plex_ini(plex));
  REQUIRE(daemon.wait_until_listening());
  REQUIRE(daemon.wait_for_output("recorded a baseline of 1 file of " + remote.path().string(),
                                 std::chrono::seconds(5)));
  CHECK(daemon.wait_for_output("1 file of " + remote.path().string() +
                               " has no readable ModTime (the first: \"Show/Season 1/S01E01.mkv\", "
                               "ModTime \"\""));
  remote.write("Show/Season 2/S02E01.mkv", "two");
  REQUIRE(eventually([&] { return plex.refreshes().size() == 1; }, std::chrono::seconds(4)));
  CHECK(plex.refreshed() == std::vector<std::string>{"section 2 /tv/Show/Season 2"});
  CHECK(untimed.untimed_listings() >= 2);
  CHECK_THAT(daemon.output(), !Contains("cannot read the listing"));
}
