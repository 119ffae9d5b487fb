// GET /api/events through the real HTTP server (reactor + worker pool) over
// loopback: what a stream carries, that it holds no worker thread and no idle
// deadline, the cap on open streams, and a client that stops reading.
#include <catch2/catch.hpp>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <memory>
#include <string>

#include "scanhook/core/http/http_server.hpp"
#include "scanhook/core/web/live_events.hpp"
#include "scanhook/support/http_client.hpp"
#include "support/eventually.hpp"
#include "support/occurrences.hpp"

using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::core::Access;
using scanhook::core::EventStream;
using scanhook::core::HttpServer;
using scanhook::core::HttpServerOptions;
using scanhook::core::kHistoryTopic;
using scanhook::core::kQueueTopic;
using scanhook::core::kTargetsTopic;
using scanhook::core::LiveEvents;
using scanhook::core::LiveEventSettings;
using scanhook::core::Metrics;
using scanhook::core::Respond;
using scanhook::core::RouteParams;
using scanhook::core::Router;
using scanhook::testing::eventually;

using scanhook::testing::occurrences;

namespace {

constexpr const char* kAuthorized = "Basic dTpw";

struct LiveServer {
  Router router;
  Metrics metrics;
  LiveEvents live;
  std::unique_ptr<HttpServer> server;
  std::shared_ptr<EventStream> firehose;  // /firehose's stream, for the slow-client test

  explicit LiveServer(LiveEventSettings settings = {}) : live(settings) {
    live.register_routes(router);
    live.add_metrics(metrics);
    router.add("GET", "/open", Access::open, [](const HttpRequest&, const RouteParams&) {
      return HttpReply{200, "text/plain", "open", {}};
    });
    router.add_deferred("GET", "/firehose", Access::open,
                        [this](const HttpRequest&, const RouteParams&, const Respond& respond) {
                          firehose = respond.open_stream({200, "", "", {}});
                        });
    HttpServerOptions options;
    options.port = 0;
    options.threads = 1;  // one worker: a stream that held it would starve every other request
    options.access_log = false;
    options.limits.keep_alive_timeout = std::chrono::milliseconds(200);
    options.limits.header_timeout = std::chrono::milliseconds(200);
    options.limits.request_timeout = std::chrono::milliseconds(1000);
    server = std::make_unique<HttpServer>(
        options, router, metrics,
        [](const HttpRequest& request, const scanhook::core::Route& route,
           const RouteParams&) -> std::optional<HttpReply> {
          if (route.access == Access::open ||
              request.header("Authorization") == std::optional<std::string>(kAuthorized))
            return std::nullopt;
          return scanhook::json_error(401, "authentication required");
        });
    server->start();
  }
  ~LiveServer() { server->stop(); }

  scanhook::support::HttpResponse get(const std::string& target) const {
    return scanhook::support::HttpClient("http://127.0.0.1:" + std::to_string(server->port()), {})
        .send("GET", target, {{"Authorization", kAuthorized}});
  }
};

// A client of one stream: reads what arrives, as EventSource would.
struct StreamClient {
  Poco::Net::StreamSocket socket;
  std::string received;

  StreamClient(unsigned short port, const std::string& path = "/api/events",
               const std::string& authorization = kAuthorized)
      : socket(Poco::Net::SocketAddress("127.0.0.1", port)) {
    socket.setReceiveTimeout(Poco::Timespan(0, 100'000));
    const std::string request = "GET " + path +
                                " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n"
                                "Authorization: " +
                                authorization + "\r\n\r\n";
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
  }
  // Reads until `text` has arrived (true), the peer closed, or 5 s passed.
  bool wait_for(const std::string& text) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    char buffer[4096];
    while (received.find(text) == std::string::npos) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      try {
        const int got = socket.receiveBytes(buffer, sizeof buffer);
        if (got <= 0) return false;
        received.append(buffer, static_cast<std::size_t>(got));
      } catch (const Poco::TimeoutException&) {
      }
    }
    return true;
  }
};

}  // namespace

TEST_CASE("a live event stream says which parts changed, one event per burst", "[live]") {
  LiveServer running;
  StreamClient client(running.server->port());
  REQUIRE(client.wait_for("retry: 3000\n"));
  const std::string head = client.received.substr(0, client.received.find("\r\n\r\n"));
  CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_THAT(head, Catch::Contains("Content-Type: text/event-stream"));
  CHECK_THAT(head, Catch::Contains("Cache-Control: no-cache"));
  CHECK_THAT(head, !Catch::Contains("Content-Length"));  // the body runs until the close

  // Commits in one burst are one event naming every part they touched.
  running.live.changed(kQueueTopic);
  running.live.changed(kHistoryTopic);
  REQUIRE(client.wait_for("data: {\"topics\":[\"queue\",\"history\"]}\n\n"));
  CHECK(occurrences(client.received, "event: change\n") == 1);
  running.live.changed(kTargetsTopic);
  REQUIRE(client.wait_for("data: {\"topics\":[\"targets\"]}\n\n"));
  CHECK(occurrences(client.received, "event: change\n") == 2);
  CHECK_THAT(client.received, Catch::Contains("id: 2\nevent: change"));
}

TEST_CASE("a live event stream needs the user's credentials", "[live]") {
  LiveServer running;
  StreamClient client(running.server->port(), "/api/events", "Basic d3Jvbmc6d3Jvbmc=");
  client.wait_for("\r\n\r\n");
  CHECK(client.received.rfind("HTTP/1.1 401 ", 0) == 0);
  CHECK(running.live.open_streams() == 0);
}

TEST_CASE("an open event stream holds no worker thread and outlives the idle deadlines", "[live]") {
  LiveServer running;  // one worker; keep-alive and header deadlines of 200 ms
  StreamClient first(running.server->port());
  StreamClient second(running.server->port());
  REQUIRE(first.wait_for("retry: 3000\n"));
  REQUIRE(second.wait_for("retry: 3000\n"));
  // Both streams are open and the one worker still answers at once.
  CHECK(running.get("/open").status == 200);
  CHECK_THAT(running.metrics.render(), Catch::Contains("scanhook_http_event_streams 2\n"));
  // Well past keep_alive_timeout and header_timeout: a stream is neither idle nor late.
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  running.live.changed(kQueueTopic);
  CHECK(first.wait_for("data: {\"topics\":[\"queue\"]}"));
  CHECK(second.wait_for("data: {\"topics\":[\"queue\"]}"));
  CHECK(running.get("/open").status == 200);
}

TEST_CASE("event streams past the cap get a 503 with Retry-After, and a closed one frees its place",
          "[live]") {
  LiveEventSettings settings;
  settings.max_streams = 2;
  LiveServer running(settings);
  auto first = std::make_unique<StreamClient>(running.server->port());
  StreamClient second(running.server->port());
  REQUIRE(first->wait_for("retry: 3000\n"));
  REQUIRE(second.wait_for("retry: 3000\n"));
  const auto refused = running.get("/api/events");
  CHECK(refused.status == 503);
  CHECK_THAT(refused.body, Catch::Contains("too many live event streams are open (2)"));
  CHECK(refused.header("Retry-After") == std::optional<std::string>("10"));

  first.reset();  // the client goes: the reactor sees the close
  std::unique_ptr<StreamClient> third;
  CHECK(eventually([&] {
    third = std::make_unique<StreamClient>(running.server->port());
    return third->wait_for("\r\n\r\n") && third->received.rfind("HTTP/1.1 200 ", 0) == 0;
  }));
  CHECK(running.live.open_streams() == 2);
}

TEST_CASE("a stream whose client stops reading is closed, not buffered without end", "[live]") {
  LiveServer running;
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress::IPv4);
  socket.setReceiveBufferSize(4096);  // before connecting: a small window fills fast
  socket.connect(Poco::Net::SocketAddress("127.0.0.1", running.server->port()));
  const std::string request = "GET /firehose HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";
  socket.sendBytes(request.data(), static_cast<int>(request.size()));
  REQUIRE(eventually([&] { return running.firehose != nullptr; }));
  const std::string chunk = "data: " + std::string(64 * 1024, 'x') + "\n\n";
  // Never read: the kernel's buffers fill, then the server's backlog passes its limit.
  CHECK(eventually(
      [&] {
        running.firehose->send(chunk);
        return !running.firehose->open();
      },
      std::chrono::seconds(10)));
  CHECK_FALSE(running.firehose->send(chunk));
  CHECK_THAT(running.metrics.render(),
             Catch::Contains("scanhook_http_connections_closed_total{reason=\"write_timeout\"} 1"));
}
