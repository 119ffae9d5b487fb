// The real scanhookd stopped by SIGTERM while clients are connecting and
// sending: every request that was sent whole is answered (its scan, or a
// 503 to retry), a client that came too late is refused at connect, and
// every webhook answered 2xx is in the queue after the restart.
#include <catch2/catch.hpp>

#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "scanhook/support/http_client.hpp"
#include "support/daemon_process.hpp"
#include "support/temp_dir.hpp"

using scanhook::testing::DaemonProcess;
using scanhook::testing::TempDir;

namespace {

// No credentials (loopback only), so the manual trigger takes any caller;
// a 10-minute minimum_age keeps every queued folder in the queue.
const std::string kIni =
    "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\naccess_log = false\n"
    "[queue]\nminimum_age = 10m\n[target.log]\n";

// What one client of a round saw.
struct Outcome {
  bool connected = false;
  bool sent = false;  // the whole request went out
  int status = 0;     // of the reply's status line; 0 for none
  std::string folder;
};

// Connects, sends one whole manual-trigger request for `outcome.folder`
// (Connection: close) and reads until the daemon closes.
void call(unsigned short port, Outcome& outcome) {
  try {
    Poco::Net::StreamSocket socket;
    // A stopping daemon drops new handshakes (their SYN is retried in a
    // second): given up on well before, as refused.
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), Poco::Timespan(0, 300000));
    outcome.connected = true;
    socket.setReceiveTimeout(Poco::Timespan(15, 0));
    const std::string request = "POST /triggers/manual?dir=" + outcome.folder +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                                "Content-Length: 0\r\n\r\n";
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    outcome.sent = true;
    std::string reply;
    char buffer[4096];
    for (int got; (got = socket.receiveBytes(buffer, sizeof buffer)) > 0;)
      reply.append(buffer, static_cast<std::size_t>(got));
    if (reply.rfind("HTTP/1.1 ", 0) == 0 && reply.size() >= 12)
      outcome.status = std::stoi(reply.substr(9, 3));
  } catch (const Poco::Exception&) {  // refused, or reset: what came is recorded above
  }
}

// The paths of every folder in the queue, page by page.
std::set<std::string> queued_folders(const DaemonProcess& daemon) {
  std::set<std::string> folders;
  scanhook::support::HttpClient client(daemon.url(), {});
  for (std::size_t offset = 0;; offset += 1000) {
    const auto page =
        client.send("GET", "/api/queue?limit=1000&offset=" + std::to_string(offset), {}, "", "");
    REQUIRE(page.status == 200);
    std::size_t found = 0;
    for (std::size_t at = 0; (at = page.body.find("\"path\":\"", at)) != std::string::npos;) {
      at += 8;
      folders.insert(page.body.substr(at, page.body.find('"', at) - at));
      ++found;
    }
    if (found < 1000) return folders;
  }
}

}  // namespace

TEST_CASE(
    "clients racing a SIGTERM are each answered or refused at connect, and every 2xx is queued "
    "after the restart",
    "[daemon][front_door][stop]") {
  TempDir dir;
  constexpr int kRounds = 50;
  constexpr int kClients = 16;
  int unanswered = 0, answered = 0, refused = 0, unavailable = 0;
  std::vector<std::string> acknowledged;
  for (int round = 0; round < kRounds; ++round) {
    DaemonProcess daemon(dir.path(), kIni);
    REQUIRE(daemon.wait_until_listening());
    std::vector<Outcome> outcomes(kClients);
    std::atomic<bool> go{false};
    std::vector<std::thread> clients;
    for (int i = 0; i < kClients; ++i) {
      outcomes[i].folder = "/tv/round-" + std::to_string(round) + "/client-" + std::to_string(i);
      clients.emplace_back([&, i] {
        while (!go) std::this_thread::yield();
        // Spread over 4 ms, the SIGTERM somewhere among them.
        std::this_thread::sleep_for(std::chrono::microseconds(250 * i));
        call(daemon.port(), outcomes[i]);
      });
    }
    go = true;
    std::this_thread::sleep_for(std::chrono::microseconds(100 * (round % 40)));
    daemon.send_signal(SIGTERM);
    for (auto& client : clients) client.join();
    REQUIRE(daemon.wait_for_exit() == 0);
    for (const auto& outcome : outcomes) {
      INFO("round " << round << ", " << outcome.folder);
      if (!outcome.connected) ++refused;
      if (outcome.sent && outcome.status == 0) ++unanswered;
      if (outcome.status != 0) ++answered;
      if (outcome.status == 503) ++unavailable;
      if (outcome.status == 200) acknowledged.push_back(outcome.folder);
      // A reply is the scan taken or a 503 to retry, nothing else.
      if (outcome.status != 0) CHECK((outcome.status == 200 || outcome.status == 503));
    }
  }
  INFO(answered << " answered (" << unavailable << " of them 503), " << refused
                << " refused at connect, " << unanswered << " sent whole and unanswered");
  CHECK(unanswered == 0);
  // The race was run: some clients were answered and some came too late.
  CHECK(answered > 0);
  CHECK(refused + unanswered > 0);

  DaemonProcess restarted(dir.path(), kIni);
  REQUIRE(restarted.wait_until_listening());
  const auto queued = queued_folders(restarted);
  int lost = 0;
  for (const auto& folder : acknowledged) lost += queued.count(folder) == 0 ? 1 : 0;
  INFO(acknowledged.size() << " acknowledged, " << queued.size() << " queued");
  CHECK(lost == 0);
}
