// The real scanhookd's front door on its default [server] limits: idle and
// slow clients hold no thread, so /health and webhooks keep answering; a
// caller without credentials is refused before its body is read.
#include <catch2/catch.hpp>

#include <Poco/Net/StreamSocket.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

#include "scanhook/support/http_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::testing::DaemonProcess;
using scanhook::testing::TempDir;
using Clock = std::chrono::steady_clock;

namespace {

// Every [server] limit at its default: what a new user runs.
const std::string kIni = R"([server]
listen = 127.0.0.1:0
database = {dir}/scanhook.db
plugin_dir = {dir}/plugins
access_log = false
[queue]
minimum_age = 10m
[source.sonarr]
token = sonarr-token
[target.log]
)";

struct Answer {
  int status = 0;
  std::string body;
  std::chrono::duration<double, std::milli> took{0};
};

class FrontDoor {
 public:
  FrontDoor() {
    // 1,100 client sockets here: more than the usual soft limit of 1,024.
    rlimit limit{};
    ::getrlimit(RLIMIT_NOFILE, &limit);
    limit.rlim_cur = limit.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &limit);
    const auto plugins = dir_.path() / "plugins";
    std::filesystem::create_directories(plugins);
    for (const char* name : {"sonarr", "log"})
      std::filesystem::copy_file(scanhook::testing::plugin_file(name),
                                 plugins / (std::string(name) + ".so"));
    daemon_ = std::make_unique<DaemonProcess>(dir_.path(), kIni);
  }

  bool listening() {
    if (!daemon_->wait_until_listening()) return false;
    client_.emplace(daemon_->url(), scanhook::support::HttpOptions{});
    return true;
  }
  unsigned short port() const { return daemon_->port(); }
  std::string output() const { return daemon_->output(); }

  // One request, timed to the whole reply.
  Answer call(const std::string& method, const std::string& target, const std::string& body = "",
              const scanhook::HeaderList& headers = {}) {
    const auto started = Clock::now();
    const auto response =
        client_->send(method, target, headers, body, body.empty() ? "" : "application/json");
    return {response.status, response.body, Clock::now() - started};
  }

 private:
  TempDir dir_;
  std::unique_ptr<DaemonProcess> daemon_;
  std::optional<scanhook::support::HttpClient> client_;  // once listening
};

double median_ms(std::vector<Answer> answers) {
  std::sort(answers.begin(), answers.end(),
            [](const Answer& a, const Answer& b) { return a.took < b.took; });
  return answers[answers.size() / 2].took.count();
}

}  // namespace

TEST_CASE(
    "with 1,000 idle and 100 slow clients connected, /health and a Sonarr webhook answer "
    "within 100 ms",
    "[daemon][front_door]") {
  FrontDoor door;
  REQUIRE(door.listening());
  const Poco::Net::SocketAddress address("127.0.0.1", door.port());
  std::vector<Poco::Net::StreamSocket> idle(1000);
  for (auto& socket : idle) socket.connect(address);
  std::vector<Poco::Net::StreamSocket> slow(100);
  for (auto& socket : slow) {
    socket.connect(address);
    socket.sendBytes("POST /triggers/sonarr HTTP/1.1\r\n", 32);
  }
  // The slow ones send a header line each every 500 ms, as a slowloris does.
  std::atomic<bool> done{false};
  std::atomic<bool> cut_off{false};  // the daemon closed a slow one
  std::thread trickle([&] {
    try {
      for (int line = 0; !done; ++line) {
        for (auto& socket : slow) {
          const std::string text = "X-Slow-" + std::to_string(line) + ": 1\r\n";
          socket.sendBytes(text.data(), static_cast<int>(text.size()));
        }
        for (int i = 0; i < 10 && !done; ++i)
          std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
    } catch (const Poco::Exception&) {
      cut_off = true;
    }
  });

  // All 1,100 are held open by the daemon (it has accepted them).
  bool held = false;
  for (int i = 0; i < 50 && !held; ++i) {
    const Answer metrics = door.call("GET", "/metrics");  // the gauge counts this one too
    held = metrics.body.find("\nscanhook_http_connections 110") != std::string::npos;
    if (!held) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK(held);

  const std::string body = scanhook::testing::read_test_data("sonarr/v4/download.json");
  std::vector<Answer> health;
  std::vector<Answer> webhook;
  for (int i = 0; i < 7; ++i) {
    health.push_back(door.call("GET", "/health"));
    webhook.push_back(door.call("POST", "/triggers/sonarr", body,
                                {{"X-Scanhook-Token", "sonarr-token"},
                                 {"User-Agent", "Sonarr/4.0.14.2939 (ubuntu 22.04)"}}));
  }
  done = true;
  trickle.join();
  CHECK_FALSE(cut_off);
  for (const auto& answer : health) CHECK(answer.status == 200);
  for (const auto& answer : webhook) CHECK(answer.status == 200);
  // Medians: the machine running the tests is shared; one late answer is its doing.
  CHECK(median_ms(health) < 100);
  CHECK(median_ms(webhook) < 100);
  // The idle ones were never closed for it: the limits are far away.
  char byte = 0;
  idle.front().setReceiveTimeout(Poco::Timespan(0, 1000));
  CHECK_THROWS_AS(idle.front().receiveBytes(&byte, 1), Poco::TimeoutException);
}

TEST_CASE("an unauthenticated 16 MiB webhook is refused with 401 before its body is sent",
          "[daemon][front_door]") {
  FrontDoor door;
  REQUIRE(door.listening());
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", door.port()));
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  // The head and the first 64 KiB; the other 16 MiB are never sent, so only
  // a daemon that answers from the head can reply at all.
  const std::string head =
      "POST /triggers/sonarr HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      "User-Agent: Sonarr/4.0.14.2939 (ubuntu 22.04)\r\nContent-Length: 16777216\r\n\r\n";
  socket.sendBytes(head.data(), static_cast<int>(head.size()));
  const std::string start(64 * 1024, ' ');
  socket.sendBytes(start.data(), static_cast<int>(start.size()));
  const auto started = Clock::now();
  std::string reply;
  char buffer[4096];
  try {
    for (int got; (got = socket.receiveBytes(buffer, sizeof buffer)) > 0;)
      reply.append(buffer, static_cast<std::size_t>(got));
  } catch (const Poco::Exception&) {  // reset once the reply is in: it is read above
  }
  CHECK(Clock::now() - started < std::chrono::seconds(3));
  CHECK(reply.rfind("HTTP/1.1 401 ", 0) == 0);
  CHECK_THAT(reply, Contains("Connection: Close") &&
                        Contains("this webhook needs the source's token or the server's "
                                 "credentials"));
  // And the right caller's webhook is still taken.
  CHECK(door.call("POST", "/triggers/sonarr",
                  scanhook::testing::read_test_data("sonarr/v4/download.json"),
                  {{"X-Scanhook-Token", "sonarr-token"}})
            .status == 200);
}

TEST_CASE("a TLS handshake on the daemon's plain-HTTP port fails at once and is logged in one line",
          "[daemon][front_door]") {
  FrontDoor door;
  REQUIRE(door.listening());
  // Sonarr given https:// for this port: a real TLS client.
  scanhook::support::HttpOptions options;
  options.verify_tls = false;
  const auto started = Clock::now();
  const auto response =
      scanhook::support::HttpClient("https://127.0.0.1:" + std::to_string(door.port()), options)
          .send("POST", "/triggers/sonarr", {{"X-Scanhook-Token", "sonarr-token"}},
                scanhook::testing::read_test_data("sonarr/v4/download.json"), "application/json");
  CHECK_FALSE(response.answered());
  CHECK(Clock::now() - started < std::chrono::seconds(3));  // not header_timeout's 10 s
  const std::string line =
      "127.0.0.1 sent a TLS handshake to this plain-HTTP port, answered 400: its URL must start "
      "with http://, or put TLS in front (README, \"TLS\")";
  CHECK(
      scanhook::testing::eventually([&] { return door.output().find(line) != std::string::npos; }));
  const std::string output = door.output();
  CHECK(output.find(line) == output.rfind(line));
  // The same client over http:// is served.
  CHECK(door.call("POST", "/triggers/sonarr",
                  scanhook::testing::read_test_data("sonarr/v4/download.json"),
                  {{"X-Scanhook-Token", "sonarr-token"}})
            .status == 200);
}
