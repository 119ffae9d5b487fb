#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <catch2/catch.hpp>

#include <sys/socket.h>

#include <thread>

#include "fakes/fake_http_server.hpp"
#include "scanhook/support/http_client.hpp"

using scanhook::HttpReply;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::RecordedRequest;
using scanhook::support::HttpClient;

TEST_CASE("the plugin HTTP client sends method, path, headers and body, and reads the answer",
          "[http_client]") {
  FakeHttpServer server([](const RecordedRequest& request) {
    return HttpReply{201,
                     "text/plain",
                     request.method + " " + request.path + " " + request.body,
                     {{"X-Reply", "yes"}}};
  });
  HttpClient client(server.url() + "/prefix/", {});
  const auto response = client.send("POST", "/a/b?x=1", {{"X-Token", "t"}}, "hello", "text/plain");
  CHECK(response.status == 201);
  CHECK(response.body == "POST /prefix/a/b hello");
  CHECK(response.header("x-reply") == std::optional<std::string>("yes"));
  const auto seen = server.requests().at(0);
  CHECK(seen.query_param("x") == std::optional<std::string>("1"));
  CHECK(seen.header("X-Token") == std::optional<std::string>("t"));
}

TEST_CASE("a slow server times out as unavailable", "[http_client]") {
  FakeHttpServer server([](const RecordedRequest&) {
    return HttpReply{200, "text/plain", "ok", {}};
  });
  server.set_delay(std::chrono::milliseconds(1500));
  HttpClient client(server.url(), {std::chrono::milliseconds(300), true, ""});
  const auto response = client.send("GET", "/");
  CHECK_FALSE(response.answered());
  CHECK_THAT(response.transport_error, Catch::Matchers::Contains("timed out"));
}

TEST_CASE("a base URL that is not http(s) is refused", "[http_client]") {
  CHECK_THROWS_AS(HttpClient("ftp://example/", {}), std::invalid_argument);
  CHECK_THROWS_AS(HttpClient("not a url", {}), std::invalid_argument);
}

namespace {

// Answers one request with `total` bytes in 64 KiB chunks (chunked coding, so
// no Content-Length tells the client the size first) and returns what it sent
// before the client stopped reading.
std::size_t serve_chunked(Poco::Net::ServerSocket& listener, std::size_t total) {
  Poco::Net::StreamSocket connection = listener.acceptConnection();
  char request[4096];
  connection.receiveBytes(request, sizeof request);
  std::size_t sent = 0;
  try {
    const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    connection.sendBytes(head.data(), static_cast<int>(head.size()), MSG_NOSIGNAL);
    const std::string chunk = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
    for (; sent < total; sent += 0x10000)
      connection.sendBytes(chunk.data(), static_cast<int>(chunk.size()), MSG_NOSIGNAL);
    connection.sendBytes("0\r\n\r\n", 5, MSG_NOSIGNAL);
  } catch (const Poco::Exception&) {
    // The client closed the connection: it read no further.
  }
  return sent;
}

}  // namespace

TEST_CASE("an answer past max_answer_bytes is not read further, even without Content-Length",
          "[http_client]") {
  Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
  scanhook::support::HttpOptions options;
  options.max_answer_bytes = 1024 * 1024;
  HttpClient client("http://127.0.0.1:" + std::to_string(listener.address().port()), options);

  SECTION("past the cap") {
    std::size_t sent = 0;
    std::thread server([&] { sent = serve_chunked(listener, 64 * 1024 * 1024); });
    const auto response = client.send("GET", "/big");
    server.join();
    CHECK(response.status == 200);
    CHECK(response.oversized);
    CHECK(response.body.empty());
    CHECK(sent < 64 * 1024 * 1024);  // stopped early, not drained
  }
  SECTION("within it") {
    std::thread server([&] { serve_chunked(listener, 512 * 1024); });
    const auto response = client.send("GET", "/small");
    server.join();
    CHECK_FALSE(response.oversized);
    CHECK(response.body == std::string(512 * 1024, 'x'));
  }
}
