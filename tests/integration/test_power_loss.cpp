// Power loss, simulated as SQLite tests itself: scanhookd runs on a disk where
// a write is durable only once fsynced (tests/power_loss/power_loss_shim.cpp);
// a cut kills it and throws away every unsynced write, and it restarts on
// what survived. A kill -9 alone cannot show a missing fsync: the kernel's
// page cache keeps the data.
#include <catch2/catch.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "scanhook/core/store/sql_connection.hpp"
#include "support/daemon_process.hpp"
#include "support/plugin_daemon.hpp"
#include "support/power_loss_disk.hpp"
#include "support/temp_dir.hpp"

using scanhook::testing::DaemonProcess;
using scanhook::testing::install_plugins;
using scanhook::testing::PowerLossDisk;
using scanhook::testing::TempDir;

namespace {

std::string read_file(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Nothing is due for an hour: every acknowledged folder must still be queued.
const char* const kIni =
    "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/disk/scanhook.db\n"
    "plugin_dir = {dir}/plugins\naccess_log = false\nthreads = 8\n"
    "[queue]\nminimum_age = 1h\n"
    "[source.arr]\nplugin = recorder\n"
    "[target.rec]\nplugin = recorder\nrecord = {dir}/record\n";

// POSTs and returns the status, or 0 when the daemon did not answer.
int post(Poco::Net::HTTPClientSession& session, const std::string& body) {
  try {
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/triggers/arr",
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/json");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::ostringstream ignored;
    ignored << session.receiveResponse(response).rdbuf();
    return static_cast<int>(response.getStatus());
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace

TEST_CASE("the power-loss disk keeps each file as it was at its last fsync", "[power_loss]") {
  TempDir dir;
  PowerLossDisk disk(dir.path());
  const auto probe = scanhook::testing::run_program(SCANHOOK_POWER_LOSS_PROBE,
                                                    {disk.folder().string()}, disk.environment());
  REQUIRE(probe.exit_code == 128 + SIGKILL);
  // Before the cut the kernel still has every write, as after a mere kill.
  CHECK(read_file(disk.folder() / "synced") == "LOSTble-tail");
  CHECK(std::filesystem::exists(disk.folder() / "never-synced"));

  disk.cut();
  CHECK(read_file(disk.folder() / "synced") == "durable");
  CHECK_FALSE(std::filesystem::exists(disk.folder() / "never-synced"));
  CHECK(read_file(disk.folder() / "truncated") == "whole");
  CHECK(read_file(disk.folder() / "synced-elsewhere") == "kept");
}

TEST_CASE(
    "after power cuts at random points under webhook load every acknowledged folder is queued",
    "[power_loss]") {
  constexpr int kCuts = 10;
  constexpr int kClients = 4;
  constexpr int kFoldersPerRequest = 20;
  // A disk whose fsync takes 2 ms: an answer sent before the sync is done is
  // then exposed to the cut, as on real hardware.
  constexpr std::chrono::microseconds kSyncDelay(2000);

  TempDir dir;
  PowerLossDisk disk(dir.path());
  install_plugins(dir.path(), {"recorder"});
  const auto seed = std::random_device()();
  CAPTURE(seed);
  std::mt19937 random(seed);

  std::mutex mutex;
  std::set<std::string> acknowledged;
  std::atomic<int> not_ok{0};
  for (int cut = 0; cut < kCuts; ++cut) {
    CAPTURE(cut);
    DaemonProcess daemon(dir.path(), kIni, {}, disk.environment(kSyncDelay));
    const bool listening = daemon.wait_until_listening();
    INFO("scanhookd said: " << daemon.output());
    REQUIRE(listening);  // it starts on what the last cut left
    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c)
      clients.emplace_back([&, c] {
        Poco::Net::HTTPClientSession session("127.0.0.1", daemon.port());
        for (int n = 0; !stop; ++n) {
          std::vector<std::string> folders;
          std::string body = "{\"paths\": [";
          for (int f = 0; f < kFoldersPerRequest; ++f) {
            folders.push_back("/mnt/media/tv/cut " + std::to_string(cut) + "/client " +
                              std::to_string(c) + "/request " + std::to_string(n) + "/Season " +
                              std::to_string(f));
            body += (f ? ",\"" : "\"") + folders.back() + "\"";
          }
          const int status = post(session, body + "]}");
          if (status == 0) return;  // the power is off
          if (status != 200) {      // Catch2 assertions are not for other threads
            ++not_ok;
            continue;
          }
          std::lock_guard lock(mutex);
          acknowledged.insert(folders.begin(), folders.end());
        }
      });
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 300)(random)));
    daemon.send_signal(SIGKILL);
    REQUIRE(daemon.wait_for_exit() == 128 + SIGKILL);
    stop = true;
    for (auto& client : clients) client.join();
    disk.cut();
  }
  CHECK(not_ok == 0);
  REQUIRE(acknowledged.size() >= 1000);  // the load reached the queue across the cuts

  {
    DaemonProcess restarted(dir.path(), kIni);
    REQUIRE(restarted.wait_until_listening());  // and it starts on what the last cut left
  }
  std::set<std::string> queued;
  {
    scanhook::core::SqlConnection sql((disk.folder() / "scanhook.db").string());
    auto& select = sql.prepare("SELECT path FROM folders");
    while (select.step()) queued.insert(select.text(0));
  }
  std::vector<std::string> lost;
  for (const auto& folder : acknowledged)
    if (!queued.count(folder)) lost.push_back(folder);
  INFO(lost.size() << " of " << acknowledged.size() << " acknowledged folders lost, e.g. "
                   << (lost.empty() ? std::string() : lost.front()));
  CHECK(lost.empty());
}
