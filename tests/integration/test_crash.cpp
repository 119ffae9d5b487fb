#include <catch2/catch.hpp>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <signal.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

#include "support/daemon_process.hpp"
#include "support/keep_alive_post.hpp"
#include "support/plugin_daemon.hpp"
#include "support/plugin_harness.hpp"
#include "support/record_file.hpp"
#include "support/temp_dir.hpp"

using scanhook::testing::DaemonProcess;
using scanhook::testing::install_plugins;
using scanhook::testing::keep_alive_post;
using scanhook::testing::record_lines;
using scanhook::testing::TempDir;

namespace {

std::string ini(const std::string& delay, int batch) {
  return "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\nplugin_dir = "
         "{dir}/plugins\n"
         "access_log = false\nthreads = 8\n"
         "[queue]\nminimum_age = 0s\nidle_interval = 20ms\n"
         "[source.arr]\nplugin = recorder\n"
         "[target.rec]\nplugin = recorder\nrecord = {dir}/record\ndelay = " +
         delay + "\nbatch = " + std::to_string(batch) + "\n";
}

std::string get(unsigned short port, const std::string& path) {
  Poco::Net::HTTPClientSession session("127.0.0.1", port);
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::ostringstream body;
  body << session.receiveResponse(response).rdbuf();
  return body.str();
}

}  // namespace

TEST_CASE("after SIGKILL mid-load every acknowledged event is delivered, in-flight ones resumed",
          "[crash]") {
  TempDir dir;
  install_plugins(dir.path(), {"recorder"});

  constexpr int kConnections = 6;
  std::mutex mutex;
  std::set<std::string> acknowledged, sent;
  std::size_t delivered_before = 0;
  {
    // A slow target (50 ms per batch of 5) keeps a backlog and a batch in flight.
    DaemonProcess daemon(dir.path(), ini("50ms", 5));
    REQUIRE(daemon.wait_until_listening());
    std::atomic<bool> stop{false};
    std::atomic<int> not_ok{0};
    std::vector<std::thread> clients;
    for (int c = 0; c < kConnections; ++c)
      clients.emplace_back([&, c] {
        Poco::Net::HTTPClientSession session("127.0.0.1", daemon.port());
        for (int n = 0; !stop; ++n) {
          const std::string folder = "/tv/c" + std::to_string(c) + "/e" + std::to_string(n);
          {
            std::lock_guard lock(mutex);
            sent.insert(folder);
          }
          const int status =
              keep_alive_post(session, "/triggers/arr", "{\"paths\": [\"" + folder + "\"]}");
          if (status == 0) return;  // the daemon is gone
          if (status != 200) {      // Catch2 assertions are not for other threads
            ++not_ok;
            continue;
          }
          std::lock_guard lock(mutex);
          acknowledged.insert(folder);
        }
      });
    // Kill once deliveries are under way and a backlog is queued.
    for (int i = 0; i < 400 && record_lines(dir / "record").size() < 20; ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    daemon.send_signal(SIGKILL);
    REQUIRE(daemon.wait_for_exit() == 128 + SIGKILL);
    stop = true;
    for (auto& client : clients) client.join();
    delivered_before = record_lines(dir / "record").size();
    CHECK(not_ok == 0);
  }
  REQUIRE(delivered_before >= 20);
  REQUIRE(acknowledged.size() > delivered_before);  // a backlog was left when it died

  DaemonProcess restarted(dir.path(), ini("0s", 500));
  REQUIRE(restarted.wait_until_listening());
  std::smatch waiting;
  const std::string output = restarted.output();
  REQUIRE(std::regex_search(output, waiting, std::regex("([0-9]+) folders? waiting")));
  const std::size_t queued_at_restart = std::stoul(waiting[1]);
  bool empty = false;
  for (int i = 0; i < 500 && !empty; ++i) {
    empty = get(restarted.port(), "/api/queue").find("\"total\":0,") != std::string::npos;
    if (!empty) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  REQUIRE(empty);

  const auto recorded = record_lines(dir / "record");
  const std::set<std::string> delivered(recorded.begin(), recorded.end());
  std::size_t acknowledged_delivered = 0;
  for (const auto& folder : acknowledged) acknowledged_delivered += delivered.count(folder);
  CHECK(acknowledged_delivered == acknowledged.size());  // nothing acknowledged is lost
  std::size_t invented = 0;
  for (const auto& folder : delivered) invented += sent.count(folder) == 1 ? 0 : 1;
  CHECK(invented == 0);
  // Everything left queued (the backlog and the batch in flight) was delivered after the restart;
  // a scan delivered but not yet committed when the process died is delivered again.
  CHECK(recorded.size() - delivered_before >= queued_at_restart);
  CHECK(delivered.size() >= acknowledged.size());
  CHECK(delivered.size() <= acknowledged.size() + kConnections);  // at most one unanswered each
}
