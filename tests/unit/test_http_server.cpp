#include <catch2/catch.hpp>

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#include "scanhook/core/http/http_server.hpp"
#include "scanhook/support/http_client.hpp"
#include "support/occurrences.hpp"

using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::core::Access;
using scanhook::core::HttpServer;
using scanhook::core::HttpServerOptions;
using scanhook::core::Metrics;
using scanhook::core::RouteParams;
using scanhook::core::Router;
using scanhook::support::HttpClient;

using scanhook::testing::occurrences;

namespace {

struct RunningServer {
  Router router;
  Metrics metrics;
  std::unique_ptr<HttpServer> server;
  std::atomic<int> uploads{0};  // bodies the routes below were given

  explicit RunningServer(std::size_t max_body = 1024,
                         const std::function<void(HttpServerOptions&)>& tune = {},
                         const std::function<void(Router&)>& more_routes = {}) {
    if (more_routes) more_routes(router);
    router.add("GET", "/open", Access::open, [](const HttpRequest&, const RouteParams&) {
      return HttpReply{200, "text/plain", "open", {}};
    });
    router.add("POST", "/echo/{name}", Access::open,
               [](const HttpRequest& request, const RouteParams& params) {
                 return HttpReply{200,
                                  "text/plain",
                                  params.at("name") + ":" + request.body + ":" +
                                      request.query_param("q").value_or("-"),
                                  {}};
               });
    router.add("GET", "/private", Access::user, [](const HttpRequest&, const RouteParams&) {
      return HttpReply{200, "text/plain", "secret", {}};
    });
    router.add("GET", "/boom", Access::open,
               [](const HttpRequest&, const RouteParams&) -> HttpReply {
                 throw std::runtime_error("kaboom");
               });
    router.add("GET", "/files/*", Access::open, [](const HttpRequest&, const RouteParams& params) {
      return HttpReply{200, "text/plain", params.at("*"), {}};
    });
    router.add("GET", "/big", Access::open, [](const HttpRequest&, const RouteParams&) {
      return HttpReply{200, "text/plain", std::string(8 << 20, 'x'), {}};
    });
    router.add("GET", "/cookies", Access::open, [](const HttpRequest&, const RouteParams&) {
      return HttpReply{
          200, "text/plain", "two cookies", {{"Set-Cookie", "a=1"}, {"Set-Cookie", "b=2"}}};
    });
    router.add("POST", "/upload", Access::user, [this](const HttpRequest&, const RouteParams&) {
      ++uploads;
      return HttpReply{200, "text/plain", "uploaded", {}};
    });
    // A webhook route whose caller shows the route's declared credential.
    router.add_webhook(
        "POST", "/hook",
        [](const RouteParams&) {
          return std::optional<scanhook::core::WebhookCredential>(
              {"hook", "right", "this hook needs its token"});
        },
        [this](const HttpRequest& request, const RouteParams&,
               const scanhook::core::Respond& respond) {
          ++uploads;
          respond(HttpReply{200, "text/plain", std::to_string(request.body.size()), {}});
        });
    HttpServerOptions options;
    options.port = 0;
    options.limits.max_body_size = max_body;
    options.access_log = false;
    if (tune) tune(options);
    // The one access check, as UserAuth::refusal answers it, from test headers.
    server = std::make_unique<HttpServer>(
        options, router, metrics,
        [](const HttpRequest& request, const scanhook::core::Route& route,
           const RouteParams& params) -> std::optional<HttpReply> {
          if (route.access == Access::webhook) {
            const auto credential = route.credential(params);
            if (request.header("X-Token") == std::optional<std::string>(credential->token))
              return std::nullopt;
            return scanhook::json_error(401, credential->refusal);
          }
          if (route.access == Access::open ||
              request.header("Authorization") == std::optional<std::string>("Basic dTpw"))
            return std::nullopt;
          if (request.header("X-Test-Refuse"))
            return scanhook::json_error(403, "refused for the test");
          if (request.header("X-Test-Limit")) {
            HttpReply reply = scanhook::json_error(429, "limited for the test");
            reply.headers.emplace_back("Retry-After", "42");
            return reply;
          }
          HttpReply reply = scanhook::json_error(401, "authentication required");
          reply.headers.emplace_back("WWW-Authenticate",
                                     "Basic realm=\"scanhook\", charset=\"UTF-8\"");
          return reply;
        });
    server->start();
  }
  HttpClient client() const {
    return HttpClient("http://127.0.0.1:" + std::to_string(server->port()), {});
  }
};

// A raw connection: sends bytes as given and reads what comes back.
struct RawConnection {
  Poco::Net::StreamSocket socket;

  explicit RawConnection(unsigned short port)
      : socket(Poco::Net::SocketAddress("127.0.0.1", port)) {
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
  }
  void send(const std::string& bytes) {
    socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  }
  // Reads until `count` complete responses (headers + Content-Length body) are in.
  std::string read_responses(int count) {
    std::string text;
    char buffer[4096];
    while (complete_responses(text) < count) {
      const int got = socket.receiveBytes(buffer, sizeof buffer);
      if (got <= 0) break;
      text.append(buffer, static_cast<std::size_t>(got));
    }
    return text;
  }
  // Reads until the server closes the connection.
  std::string read_to_close() {
    std::string text;
    char buffer[4096];
    for (int got; (got = socket.receiveBytes(buffer, sizeof buffer)) > 0;)
      text.append(buffer, static_cast<std::size_t>(got));
    return text;
  }

 private:
  static int complete_responses(const std::string& text) {
    int count = 0;
    for (std::size_t at = 0;;) {
      const auto end = text.find("\r\n\r\n", at);
      if (end == std::string::npos) return count;
      std::size_t length = 0;
      const auto field = text.find("Content-Length: ", at);
      // Only the digits are copied: the whole rest, per read, made reading an
      // 8 MiB reply quadratic (seconds; 44 s under ASan).
      if (field != std::string::npos && field < end)
        length = std::stoul(text.substr(field + 16, 20));
      if (text.size() < end + 4 + length) return count;
      at = end + 4 + length;
      ++count;
    }
  }
};

// Sends `bytes` on a connection of its own; what came back until the server closed.
std::string raw_exchange(unsigned short port, const std::string& bytes) {
  RawConnection connection(port);
  connection.send(bytes);
  return connection.read_to_close();
}

}  // namespace

TEST_CASE("routes get their parameters, decoded query and body", "[http]") {
  RunningServer running;
  const auto response =
      running.client().send("POST", "/echo/sonarr4k?q=a%20b", {}, "payload", "text/plain");
  CHECK(response.status == 200);
  CHECK(response.body == "sonarr4k:payload:a b");
  CHECK(running.client().send("GET", "/files/a/b/c").body == "a/b/c");
}

TEST_CASE("unknown routes, wrong methods and failing handlers answer JSON errors", "[http]") {
  RunningServer running;
  auto response = running.client().send("GET", "/missing");
  CHECK(response.status == 404);
  CHECK(response.body == R"({"error":"no such route: /missing"})");
  // A path that is not UTF-8 is answered in valid JSON all the same.
  response = running.client().send("GET", "/caf%E9");
  CHECK(response.status == 404);
  CHECK(response.body == "{\"error\":\"no such route: /caf\xEF\xBF\xBD\"}");
  CHECK(response.header("Content-Type") == std::optional<std::string>("application/json"));

  response = running.client().send("DELETE", "/open");
  CHECK(response.status == 405);
  CHECK(response.header("Allow") == std::optional<std::string>("GET"));

  response = running.client().send("GET", "/boom");
  CHECK(response.status == 500);
  CHECK(response.body == R"({"error":"internal error; see the daemon's log"})");
}

TEST_CASE("a body over the limit is refused with 413 before the handler runs", "[http]") {
  RunningServer running(16);
  const auto response =
      running.client().send("POST", "/echo/x", {}, std::string(17, 'a'), "text/plain");
  CHECK(response.status == 413);
  CHECK(response.body ==
        R"x({"error":"the request body is larger than max_body_size (16 bytes)"})x");
  CHECK(running.client().send("POST", "/echo/x", {}, std::string(16, 'a'), "text/plain").status ==
        200);
}

TEST_CASE("user routes need credentials and say how to give them", "[http]") {
  RunningServer running;
  auto response = running.client().send("GET", "/private");
  CHECK(response.status == 401);
  CHECK(response.header("WWW-Authenticate") ==
        std::optional<std::string>("Basic realm=\"scanhook\", charset=\"UTF-8\""));
  response = running.client().send("GET", "/private", {{"Authorization", "Basic dTpw"}});
  CHECK(response.status == 200);
  CHECK(response.body == "secret");
  response = running.client().send("GET", "/private", {{"X-Test-Refuse", "1"}});
  CHECK(response.status == 403);
  CHECK(response.body == R"({"error":"refused for the test"})");
  CHECK_FALSE(response.header("WWW-Authenticate"));
  response = running.client().send("GET", "/private", {{"X-Test-Limit", "1"}});
  CHECK(response.status == 429);
  CHECK(response.body == R"({"error":"limited for the test"})");
  CHECK(response.header("Retry-After") == std::optional<std::string>("42"));
}

TEST_CASE("a reply larger than the socket takes at once arrives whole, without a wait", "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());  // keep-alive, as browsers do
  const auto started = std::chrono::steady_clock::now();
  connection.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string text = connection.read_responses(1);
  CHECK(text.size() > std::size_t{8} << 20);
  CHECK(text.compare(text.size() - 4, 4, "xxxx") == 0);
  // Its last part used to wait for the keep-alive timeout (10 s).
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
}

TEST_CASE("a body that ends before its Content-Length is refused, not handed to the route",
          "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send("POST /echo/cut HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
  connection.socket.shutdownSend();  // the client is gone after 10 bytes
  const std::string text = connection.read_to_close();
  CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains(
                       R"x({"error":"the request body ended early (10 of 100 bytes arrived)"})x"));
}

TEST_CASE("a Content-Length that is not a number is a 400 saying so", "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n");
  const std::string text = connection.read_to_close();
  CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK_THAT(
      text,
      Catch::Matchers::Contains(
          R"x({"error":"the request is not valid HTTP: a Content-Length that is not a number (digits only, RFC 9110)"})x"));
}

// A new-user trial: 23 digits were refused as "not a number".
TEST_CASE("a Content-Length of more digits than 64 bits hold is a 400 saying it is too large",
          "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send(
      "POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999999999999999999\r\n\r\n");
  const std::string text = connection.read_to_close();
  CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("a Content-Length too large for any body"));
}

TEST_CASE("a Content-Length other than digits only (+2, -0, 0x2, 2.0, 1e1) is a 400", "[http]") {
  // RFC 9110 section 8.6: 1*DIGIT. Poco's own reader took "+2" as 2.
  for (const char* length : {"+2", "-0", "0x2", "2.0", "1e1", "2 2"}) {
    INFO(length);
    RunningServer running;
    RawConnection connection(running.server->port());
    connection.send(std::string("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: ") + length +
                    "\r\n\r\nab");
    const std::string text = connection.read_to_close();
    CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains("a Content-Length that is not a number"));
  }
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 02\r\n\r\nab");
  CHECK(connection.read_responses(1).substr(0, 15) == "HTTP/1.1 200 OK");
}

TEST_CASE("an HTTP/1.1 request without Host is a 400 (RFC 9112), an HTTP/1.0 one is answered",
          "[http]") {
  RunningServer running;
  RawConnection old(running.server->port());
  old.send("GET /open HTTP/1.0\r\n\r\n");
  CHECK(old.read_to_close().substr(9, 6) == "200 OK");
  RawConnection missing(running.server->port());
  missing.send("GET /open HTTP/1.1\r\n\r\n");
  const std::string text = missing.read_to_close();
  CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("an HTTP/1.1 request without Host"));
}

TEST_CASE("a head two parsers could read two ways is a 400 saying why (no smuggling)", "[http]") {
  for (const auto& [head, said] : std::vector<std::pair<std::string, std::string>>{
           {"Content-Length: 2\r\nContent-Length: 7\r\n", "more than one Content-Length"},
           {"Host: y\r\n", "more than one Host"},
           {"Transfer-Encoding : chunked\r\n",
            "white space in the header name \\\"Transfer-Encoding \\\""}}) {
    RunningServer running;
    RawConnection connection(running.server->port());
    connection.send("POST /echo/x HTTP/1.1\r\nHost: x\r\n" + head +
                    "\r\nabGET /open HTTP/1.1\r\n\r\n");
    const std::string text = connection.read_to_close();
    CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains("the request is not valid HTTP: " + said));
    // The bytes after the head were not taken as a second request.
    CHECK(text.find("HTTP/1.1", 1) == std::string::npos);
  }
}

TEST_CASE("a Host header holding a list of hosts is a 400, one host name with a port is answered",
          "[http]") {
  // RFC 9112 section 3.2: a Host field with an invalid value is a 400; "a, b"
  // is what a proxy makes of two Host lines.
  // A new-user trial found user information and a port that is not a number accepted.
  for (const char* host : {"a, b", "a,b", "127.0.0.1, evil.example", "a b", "127.0.0.1:80@evil",
                           "127.0.0.1:abc", "user@127.0.0.1", "127.0.0.1:", "[::1", "[zz]:80"}) {
    INFO(host);
    RunningServer running;
    RawConnection connection(running.server->port());
    connection.send(std::string("GET /open HTTP/1.1\r\nHost: ") + host + "\r\n\r\n");
    const std::string text = connection.read_to_close();
    CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains(
                         "the request is not valid HTTP: a Host header that is not one host name"));
  }
  for (const char* host : {"127.0.0.1:3030", "localhost", "[::1]:3030", "media.example.org"}) {
    INFO(host);
    RunningServer running;
    RawConnection connection(running.server->port());
    connection.send(std::string("GET /open HTTP/1.1\r\nHost: ") + host + "\r\n\r\n");
    CHECK(connection.read_responses(1).substr(0, 15) == "HTTP/1.1 200 OK");
  }
}

TEST_CASE("a request in an HTTP version other than 1.0 and 1.1 gets 505, a malformed version 400",
          "[http]") {
  for (const char* version : {"HTTP/2.0", "HTTP/9.9", "HTTP/0.9", "HTTP/1.2"}) {
    INFO(version);
    RunningServer running;
    RawConnection connection(running.server->port());
    connection.send(std::string("GET /open ") + version + "\r\nHost: x\r\n\r\n");
    const std::string text = connection.read_to_close();
    CHECK(text.rfind("HTTP/1.1 505 HTTP Version Not Supported\r\n", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains(
                         std::string("this server speaks HTTP/1.0 and HTTP/1.1, not ") + version));
  }
  for (const char* version : {"HTTP/1", "HTTP/1.x", "FTP/1.1", "http/1.1", "HTTP/11"}) {
    INFO(version);
    RunningServer running;
    RawConnection connection(running.server->port());
    connection.send(std::string("GET /open ") + version + "\r\nHost: x\r\n\r\n");
    const std::string text = connection.read_to_close();
    CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains("the request is not valid HTTP"));
  }
}

TEST_CASE(
    "a version that is not HTTP/<digit>.<digit> (HTTP/1.10) or a request line with a fourth part "
    "is a 400 in our words, and HTTP/1.0 and HTTP/1.1 are answered",
    "[http]") {
  RunningServer running;
  const std::pair<const char*, const char*> refused[] = {
      {"GET /open HTTP/1.10\r\nHost: x\r\n\r\n",
       "the request is not valid HTTP: the request line ends in \\\"HTTP/1.10\\\", not "
       "HTTP/<digit>.<digit> (RFC 9112 section 2.3); this server speaks HTTP/1.0 and HTTP/1.1"},
      {"GET /open HTTP/1.1.1\r\nHost: x\r\n\r\n", "ends in \\\"HTTP/1.1.1\\\", not"},
      {"GET /open\r\nHost: x\r\n\r\n",
       "the request line has no HTTP version (it must read METHOD TARGET HTTP/1.1)"},
      {"GET /open HTTP/1.1 x\r\nHost: x\r\n\r\n", "ends in \\\"x\\\", not"},
      {"GET /a b HTTP/1.1\r\nHost: x\r\n\r\n",
       "the request line has more than three parts (a space in the target? send it as %20)"},
  };
  for (const auto& [request, message] : refused) {
    INFO(request);
    const std::string text = raw_exchange(running.server->port(), request);
    CHECK(text.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains(message));
    CHECK_THAT(text, !Catch::Matchers::Contains("Invalid HTTP version string"));
  }
  for (const char* version : {"HTTP/1.0", "HTTP/1.1"}) {
    INFO(version);
    const std::string text =
        raw_exchange(running.server->port(), std::string("GET /open ") + version +
                                                 "\r\nHost: x\r\nConnection: close\r\n\r\n");
    CHECK(text.rfind(std::string(version) + " 200 OK\r\n", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::EndsWith("open"));
  }
}

TEST_CASE("a NUL or other control byte in the request target is a 400 naming it, raw or %-encoded",
          "[http]") {
  using namespace std::string_literals;
  RunningServer running;
  const std::pair<std::string, std::string> refused[] = {
      {"GET /op\0en HTTP/1.1\r\nHost: x\r\n\r\n"s,  // the literal's own length: NUL included
       "the request target holds the control byte 0x00, which RFC 9112 allows nowhere in a "
       "request line (percent-encode it, e.g. %00)"},
      {"GET /files/a\x01 HTTP/1.1\r\nHost: x\r\n\r\n",
       "the request target holds the control byte 0x01"},
      {"GET /files/a\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
       "the request target holds the control byte 0x7f"},
      {"GET /files/a\tb HTTP/1.1\r\nHost: x\r\n\r\n",
       "the request target holds the control byte 0x09"},
      {"G\x01T /open HTTP/1.1\r\nHost: x\r\n\r\n",
       "the request method holds the control byte 0x01"},
      {"GET /files/a%00 HTTP/1.1\r\nHost: x\r\n\r\n",
       "the request path holds the control byte %00 (percent-decoded), which no route has"},
      {"GET /files/%1Fb HTTP/1.1\r\nHost: x\r\n\r\n",
       "the request path holds the control byte %1F"},
  };
  for (const auto& [request, message] : refused) {
    INFO(request);
    const std::string text = raw_exchange(running.server->port(), request);
    CHECK(text.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains(message));
  }
  // Percent-encoded bytes that are not control bytes still reach the route.
  CHECK(running.client().send("GET", "/files/a%20b%C3%A9").body == "a b\xC3\xA9");
}

TEST_CASE("a control byte other than tab in a header value is a 400 naming the header (RFC 9110)",
          "[http]") {
  RunningServer running;
  const unsigned short port = running.server->port();
  const std::pair<std::string, const char*> values[] = {
      {"a\x01z", "0x01"}, {std::string("a\0z", 3), "0x00"}, {"a\x7fz", "0x7f"}, {"a\rz", "0x0d"},
      {"a\x1bz", "0x1b"},
  };
  for (const auto& [value, byte] : values) {
    INFO(byte);
    const std::string text = raw_exchange(
        port, "GET /open HTTP/1.1\r\nHost: x\r\nX-Sonarr-Event: " + value + "\r\n\r\n");
    CHECK(text.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains(
                         std::string("the request is not valid HTTP: the value of the header "
                                     "\\\"X-Sonarr-Event\\\" holds the control byte ") +
                         byte + " (RFC 9110 section 5.5 allows none but tab)"));
  }
  CHECK_THAT(raw_exchange(port, "GET /open HTTP/1.1\r\nHost: x\r\nX-A\x02: 1\r\n\r\n"),
             Catch::Matchers::Contains("a header name \\\"X-A?\\\" holds the control byte 0x02"));
  // A tab and bytes past ASCII (obs-text) are allowed in a value.
  CHECK(raw_exchange(
            port,
            "GET /open HTTP/1.1\r\nHost: x\r\nX-A: a\tb caf\xC3\xA9\r\nConnection: close\r\n\r\n")
            .rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
}

TEST_CASE(
    "a TLS handshake on the plain-HTTP port gets a 400 at once saying to use http:// or put TLS "
    "in front",
    "[http]") {
  RunningServer running;
  // The first bytes of a TLS 1.2/1.3 ClientHello record: handshake (22), TLS 1.0 record version.
  RawConnection connection(running.server->port());
  const auto started = std::chrono::steady_clock::now();
  connection.send(std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11));
  const std::string text = connection.read_to_close();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));  // not 10 s for 408
  CHECK(text.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("\r\nConnection: Close\r\n") &&
                       Catch::Matchers::Contains(
                           "this port speaks plain HTTP, and a TLS handshake came (an https:// "
                           "URL): use http:// in the sender's URL, or put TLS in front"));
  // A real TLS client fails at once too, rather than after header_timeout.
  scanhook::support::HttpOptions options;
  options.verify_tls = false;
  const auto tls_started = std::chrono::steady_clock::now();
  const auto response =
      HttpClient("https://127.0.0.1:" + std::to_string(running.server->port()), options)
          .send("GET", "/open");
  CHECK_FALSE(response.answered());
  CHECK(std::chrono::steady_clock::now() - tls_started < std::chrono::seconds(2));
}

TEST_CASE("a folded header line (obs-fold) is a 400, not joined to the line before", "[http]") {
  // RFC 9112 section 5.2; Poco would have read "X-A: 1 2" (and a folded
  // Transfer-Encoding or Content-Length differently from a proxy).
  for (const std::string& fold : {std::string("X-A: 1\r\n 2\r\n"), std::string("X-A: 1\r\n\t2\r\n"),
                                  std::string("Content-Length: 2\r\n 0\r\n")}) {
    INFO(fold);
    RunningServer running;
    RawConnection connection(running.server->port());
    connection.send("POST /echo/x HTTP/1.1\r\nHost: x\r\n" + fold + "\r\nab");
    const std::string text = connection.read_to_close();
    CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains(
                         "the request is not valid HTTP: a header line folded onto the one before "
                         "(obs-fold, RFC 9112 section 5.2)"));
  }
  // A line starting with white space right after the request line (RFC 9112 section 2.2).
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send("GET /open HTTP/1.1\r\n Host: x\r\n\r\n");
  CHECK(connection.read_to_close().rfind("HTTP/1.1 400 ", 0) == 0);
}

TEST_CASE("a request URI longer than Poco reads is a 414 naming the limit", "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send("GET /open?dir=/" + std::string(20000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string text = connection.read_to_close();
  CHECK(text.rfind("HTTP/1.1 414 ", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("the request URI is longer than 16384 bytes"));
}

TEST_CASE("requests are counted by route and status for /metrics", "[http]") {
  RunningServer running;
  running.client().send("GET", "/open");
  running.client().send("GET", "/open");
  running.client().send("GET", "/missing");
  const std::string text = running.metrics.render();
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "scanhook_http_requests_total{route=\"/open\",status=\"200\"} 2"));
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "scanhook_http_requests_total{route=\"unmatched\",status=\"404\"} 1"));
  CHECK_THAT(text, Catch::Matchers::Contains(
                       "scanhook_http_request_duration_seconds_count{route=\"/open\"} 2"));
  // The server keeps the metric objects it found: later requests still count
  // in the registry's, each status apart.
  running.client().send("GET", "/open");
  running.client().send("GET", "/private");
  const std::string later = running.metrics.render();
  CHECK_THAT(later, Catch::Matchers::Contains(
                        "scanhook_http_requests_total{route=\"/open\",status=\"200\"} 3"));
  CHECK_THAT(later, Catch::Matchers::Contains(
                        "scanhook_http_requests_total{route=\"/private\",status=\"401\"} 1"));
  CHECK_THAT(later, Catch::Matchers::Contains(
                        "scanhook_http_request_duration_seconds_count{route=\"/open\"} 3"));
  CHECK_THAT(later, Catch::Matchers::Contains(
                        "scanhook_http_request_duration_seconds_count{route=\"/private\"} 1"));
}

TEST_CASE("listen addresses are parsed and loopback is recognised", "[http]") {
  using scanhook::core::is_loopback_host;
  using scanhook::core::parse_listen_address;
  CHECK(parse_listen_address("127.0.0.1:3030") ==
        std::make_pair(std::string("127.0.0.1"), static_cast<unsigned short>(3030)));
  CHECK(parse_listen_address("[::1]:80").first == "::1");
  CHECK_THROWS_WITH(parse_listen_address("3030"), Catch::Matchers::Contains("address:port"));
  CHECK_THROWS_WITH(parse_listen_address("127.0.0.1:99999"),
                    Catch::Matchers::Contains("no valid port"));
  CHECK(is_loopback_host("127.0.0.1"));
  CHECK(is_loopback_host("::1"));
  CHECK(is_loopback_host("localhost"));
  CHECK_FALSE(is_loopback_host("0.0.0.0"));
  CHECK_FALSE(is_loopback_host("192.168.1.2"));
}

TEST_CASE("one keep-alive connection serves requests one after another and pipelined", "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
  std::string text = connection.read_responses(1);
  CHECK(text.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(text.substr(text.size() - 4) == "open");
  // Two requests in one write: the second is already in the server's buffer
  // when the first is answered, and must not wait for more bytes.
  connection.send(
      "POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi"
      "GET /files/b/c HTTP/1.1\r\nHost: x\r\n\r\n");
  text = connection.read_responses(2);
  CHECK(occurrences(text, "HTTP/1.1 200 OK\r\n") == 2);
  const auto first = text.find("\r\n\r\na:hi:-");
  const auto second = text.find("\r\n\r\nb/c");
  CHECK(first != std::string::npos);
  CHECK(second != std::string::npos);
  CHECK(first < second);
}

TEST_CASE("HEAD answers the headers with no body, and Set-Cookie headers and the body arrive whole",
          "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send("HEAD /open HTTP/1.1\r\nHost: x\r\n\r\nGET /cookies HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string text = connection.read_responses(2);
  const auto head_end = text.find("\r\n\r\n");
  REQUIRE(head_end != std::string::npos);
  const std::string head = text.substr(0, head_end);
  CHECK(head.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_THAT(head, Catch::Matchers::Contains("Content-Length: 0"));
  // The next bytes are the second response: HEAD's answer has no body.
  const std::string rest = text.substr(head_end + 4);
  CHECK(rest.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_THAT(rest, Catch::Matchers::Contains("\r\nSet-Cookie: a=1\r\n"));
  CHECK_THAT(rest, Catch::Matchers::Contains("\r\nSet-Cookie: b=2\r\n"));
  CHECK_THAT(rest, Catch::Matchers::Contains("\r\nContent-Length: 11\r\n"));
  CHECK(rest.substr(rest.size() - 15) == "\r\n\r\ntwo cookies");
}

TEST_CASE("a request that is not HTTP gets 400 and the connection closes", "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send(std::string(100, 'X') + " /open HTTP/1.1\r\n\r\n");  // no such method
  const std::string text = connection.read_to_close();
  CHECK(text.rfind("HTTP/1.1 400 Bad Request\r\n", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("\r\nConnection: Close\r\n"));
}

TEST_CASE("stop() closes idle keep-alive connections at once", "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(connection.read_responses(1).substr(0, 15) == "HTTP/1.1 200 OK");
  // The connection now waits for a next request (keep-alive timeout 10 s).
  const auto started = std::chrono::steady_clock::now();
  running.server->stop();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));
  CHECK(connection.read_to_close().empty());
}

TEST_CASE(
    "at stop a request being read gets a second to arrive whole, else a 503 with Retry-After, and "
    "a new connection's request is answered and a later connect refused",
    "[http]") {
  RunningServer running;
  const unsigned short port = running.server->port();
  RawConnection stalled(port);    // its body never ends
  RawConnection finishing(port);  // ends its body after the stop began
  RawConnection fresh(port);      // connected, its request sent after the stop began
  stalled.send("POST /echo/s HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
  finishing.send("POST /echo/f HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\r\nab");
  const auto started = std::chrono::steady_clock::now();
  std::thread stopper([&] { running.server->stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  finishing.send("cd");
  fresh.send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
  const std::string finished = finishing.read_to_close();
  CHECK(finished.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_THAT(finished, Catch::Matchers::Contains("\r\nConnection: Close\r\n") &&
                           Catch::Matchers::EndsWith("f:abcd:-"));
  const std::string answered = fresh.read_to_close();
  CHECK(answered.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK_THAT(answered, Catch::Matchers::EndsWith("open"));
  const std::string refused = stalled.read_to_close();
  CHECK(refused.rfind("HTTP/1.1 503 Service Unavailable\r\n", 0) == 0);
  CHECK_THAT(refused, Catch::Matchers::Contains("\r\nConnection: Close\r\n") &&
                          Catch::Matchers::Contains("\r\nRetry-After: 5\r\n") &&
                          Catch::Matchers::Contains(
                              "scanhookd is stopping and the request body had not arrived whole "
                              "(2 bytes came): nothing of it was taken; send it again"));
  stopper.join();
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(3));
  CHECK_THROWS_AS(RawConnection(port), Poco::Net::ConnectionRefusedException);
}

namespace {

using Clock = std::chrono::steady_clock;

// Whether the server has closed `connection` (EOF or reset) within `within`.
bool closed_within(RawConnection& connection, std::chrono::milliseconds within) {
  connection.socket.setReceiveTimeout(Poco::Timespan(within.count() * 1000));
  char buffer[4096];
  try {
    for (;;)
      if (connection.socket.receiveBytes(buffer, sizeof buffer) <= 0) return true;
  } catch (const Poco::TimeoutException&) {
    return false;
  } catch (const Poco::Exception&) {  // reset
    return true;
  }
}

}  // namespace

TEST_CASE("a user route refuses a large body without credentials before any of it is sent",
          "[http]") {
  RunningServer running(16 << 20);
  RawConnection connection(running.server->port());
  // The head only: the 16 MiB it announces never come, so only a server that
  // answers from the head can reply.
  connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 16777216\r\n\r\n");
  const auto started = Clock::now();
  const std::string text = connection.read_responses(1);
  CHECK(Clock::now() - started < std::chrono::seconds(2));
  CHECK(text.rfind("HTTP/1.1 401 ", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("\r\nConnection: Close\r\n"));
  CHECK(closed_within(connection, std::chrono::seconds(5)));
  CHECK(running.uploads == 0);
}

TEST_CASE("after a refusal the rest of a large body is not taken: the connection closes",
          "[http]") {
  RunningServer running(16 << 20);
  RawConnection connection(running.server->port());
  connection.send("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 16777216\r\n\r\n");
  CHECK(connection.read_responses(1).rfind("HTTP/1.1 401 ", 0) == 0);
  // A client that sends its body anyway: at most 1 MiB more is read and
  // dropped (so the 401 is seen, not a reset); then the connection is gone.
  connection.socket.setSendTimeout(Poco::Timespan(5, 0));
  const std::string chunk(64 * 1024, 'a');
  std::size_t sent = 0;
  try {
    while (sent < (std::size_t{16} << 20))
      sent += static_cast<std::size_t>(
          connection.socket.sendBytes(chunk.data(), static_cast<int>(chunk.size())));
  } catch (const Poco::Exception&) {  // reset or broken pipe: refused
  }
  CHECK(sent < (std::size_t{16} << 20));
  CHECK(running.uploads == 0);
}

TEST_CASE("a route's head check refuses the caller before the body, and lets the right one in",
          "[http]") {
  RunningServer running(16 << 20);
  {
    RawConnection connection(running.server->port());
    connection.send("POST /hook HTTP/1.1\r\nHost: x\r\nContent-Length: 16777216\r\n\r\n" +
                    std::string(64 * 1024, 'a'));
    const std::string text = connection.read_responses(1);
    CHECK(text.rfind("HTTP/1.1 401 ", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains(R"({"error":"this hook needs its token"})"));
  }
  {
    // Expect: 100-continue: the right caller is told to send, and its body is read.
    RawConnection connection(running.server->port());
    connection.send(
        "POST /hook HTTP/1.1\r\nHost: x\r\nX-Token: right\r\nContent-Length: 5\r\n"
        "Expect: 100-continue\r\n\r\n");
    const std::string go = connection.read_responses(1);
    CHECK(go == "HTTP/1.1 100 Continue\r\n\r\n");
    connection.send("hello");
    const std::string text = connection.read_responses(1);
    CHECK(text.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
    CHECK(text.substr(text.size() - 1) == "5");
  }
  CHECK(running.uploads == 1);
}

TEST_CASE("a chunked body is read whole and handed to the route", "[http]") {
  RunningServer running;
  RawConnection connection(running.server->port());
  connection.send(
      "POST /echo/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3;ext=1\r\nabc\r\n");
  connection.send("2\r\nde\r\n0\r\nX-Trailer: t\r\n\r\n");
  const std::string text = connection.read_responses(1);
  CHECK(text.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
  CHECK(text.substr(text.size() - 9) == "c:abcde:-");
  RawConnection both(running.server->port());
  both.send(
      "POST /echo/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
      "Content-Length: 3\r\n\r\n3\r\nabc\r\n0\r\n\r\n");
  CHECK(both.read_to_close().rfind("HTTP/1.1 400 ", 0) == 0);
}

TEST_CASE("a chunked body whose lines end with a bare LF is a 400, not read", "[http]") {
  // RFC 9112 section 7.1: CRLF ends each chunk line; proxies that take a bare
  // LF and servers that do not frame the body differently (smuggling).
  for (const char* body : {"3\nabc\r\n0\r\n\r\n", "3\r\nabc\n0\r\n\r\n", "3\r\nabc\r\n0\n\r\n",
                           "3\r\nabc\r\n0\r\n\n"}) {
    INFO(body);
    RunningServer running;
    RawConnection connection(running.server->port());
    connection.send(
        std::string("POST /echo/c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n") +
        body);
    const std::string text = connection.read_to_close();
    CHECK(text.rfind("HTTP/1.1 400 ", 0) == 0);
    CHECK_THAT(text, Catch::Matchers::Contains("not valid chunked encoding"));
  }
}

TEST_CASE("a head that does not arrive whole within header_timeout gets 408 and is closed",
          "[http]") {
  RunningServer running(1024, [](HttpServerOptions& options) {
    options.limits.header_timeout = std::chrono::milliseconds(400);
  });
  RawConnection slow(running.server->port());
  const auto started = Clock::now();
  // One header line every 100 ms: each arrives in time, the whole head does not.
  slow.send("GET /open HTTP/1.1\r\n");
  for (int i = 0; i < 30; ++i) {
    // Until the server answers.
    if (slow.socket.poll(Poco::Timespan(100 * 1000), Poco::Net::Socket::SELECT_READ)) break;
    slow.send("X-Line: " + std::to_string(i) + "\r\n");
  }
  const std::string text = slow.read_to_close();
  CHECK(Clock::now() - started < std::chrono::seconds(3));
  CHECK(text.rfind("HTTP/1.1 408 ", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("header_timeout (400ms)"));
  // A connection that sends nothing is closed in the same time, without a word.
  RawConnection silent(running.server->port());
  CHECK(closed_within(silent, std::chrono::seconds(3)));
  CHECK_THAT(running.metrics.render(),
             Catch::Matchers::Contains(
                 "scanhook_http_connections_closed_total{reason=\"header_timeout\"} 2"));
}

TEST_CASE("a body that does not arrive in time gets 408, and an idle keep-alive connection closes",
          "[http]") {
  RunningServer running(1024, [](HttpServerOptions& options) {
    options.limits.request_timeout = std::chrono::milliseconds(300);
    options.limits.keep_alive_timeout = std::chrono::milliseconds(300);
  });
  RawConnection body(running.server->port());
  body.send("POST /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n0123456789");
  const std::string text = body.read_to_close();
  CHECK(text.rfind("HTTP/1.1 408 ", 0) == 0);
  CHECK_THAT(text, Catch::Matchers::Contains("the request body did not arrive in time (10 bytes"));

  RawConnection idle(running.server->port());
  idle.send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(idle.read_responses(1).rfind("HTTP/1.1 200 OK", 0) == 0);
  const auto started = Clock::now();
  CHECK(closed_within(idle, std::chrono::seconds(3)));
  CHECK(Clock::now() - started >= std::chrono::milliseconds(200));
}

TEST_CASE("past the per-client limit the longest-idle connection is closed for the new one",
          "[http]") {
  RunningServer running(
      1024, [](HttpServerOptions& options) { options.limits.max_connections_per_client = 3; });
  std::vector<std::unique_ptr<RawConnection>> kept;
  for (int i = 0; i < 3; ++i) {
    kept.push_back(std::make_unique<RawConnection>(running.server->port()));
    kept.back()->send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
    CHECK(kept.back()->read_responses(1).rfind("HTTP/1.1 200 OK", 0) == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // distinct idle times
  }
  // The second is busy sending a head: it is not idle, so it stays.
  kept[1]->send("GET /open HTTP/1.1\r\n");
  RawConnection fourth(running.server->port());
  fourth.send("GET /open HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(fourth.read_responses(1).rfind("HTTP/1.1 200 OK", 0) == 0);
  CHECK(closed_within(*kept[0], std::chrono::seconds(2)));
  kept[1]->send("Host: x\r\n\r\n");
  CHECK(kept[1]->read_responses(1).rfind("HTTP/1.1 200 OK", 0) == 0);
  CHECK_FALSE(closed_within(*kept[2], std::chrono::milliseconds(200)));
}

TEST_CASE("past max_connections with no idle connection a new one is closed unserved", "[http]") {
  RunningServer running(1024,
                        [](HttpServerOptions& options) { options.limits.max_connections = 2; });
  RawConnection first(running.server->port());
  RawConnection second(running.server->port());
  first.send("GET /open HTTP/1.1\r\n");  // both in the middle of a head: not idle
  second.send("GET /open HTTP/1.1\r\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  RawConnection third(running.server->port());
  CHECK(closed_within(third, std::chrono::seconds(2)));
  first.send("Host: x\r\n\r\n");
  CHECK(first.read_responses(1).rfind("HTTP/1.1 200 OK", 0) == 0);
  CHECK_THAT(
      running.metrics.render(),
      Catch::Matchers::Contains("scanhook_http_connections_closed_total{reason=\"limit\"} 1") &&
          Catch::Matchers::Contains("scanhook_http_connections 2"));
}

TEST_CASE("one worker thread serves requests while hundreds of connections sit idle", "[http]") {
  RunningServer running(1024, [](HttpServerOptions& options) { options.threads = 1; });
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 300; ++i)
    idle.push_back(std::make_unique<RawConnection>(running.server->port()));
  for (int i = 0; i < 20; ++i) idle[static_cast<std::size_t>(i)]->send("GET /open HTTP/1.1\r\n");
  const auto started = Clock::now();
  const auto response = running.client().send("GET", "/open");
  CHECK(response.status == 200);
  CHECK(Clock::now() - started < std::chrono::seconds(1));
}

TEST_CASE(
    "a reply given later on another thread reaches its client with every worker busy, "
    "and one given after stop() goes nowhere without harm",
    "[http]") {
  std::mutex mutex;
  std::vector<scanhook::core::Respond> later;  // as the ingest keeps a webhook's until its fsync
  std::atomic<bool> holding{false}, release{false};
  // One worker, held: the late reply must not need it.
  RunningServer running(
      1024, [](HttpServerOptions& options) { options.threads = 1; },
      [&](Router& router) {
        router.add_deferred(
            "GET", "/later", Access::open,
            [&](const HttpRequest&, const RouteParams&, const scanhook::core::Respond& respond) {
              std::lock_guard lock(mutex);
              later.push_back(respond);
            });
        router.add("GET", "/hold", Access::open, [&](const HttpRequest&, const RouteParams&) {
          holding = true;
          while (!release) std::this_thread::yield();
          return HttpReply{200, "text/plain", "held", {}};
        });
      });
  const auto take_later = [&] {
    for (;;) {
      {
        std::lock_guard lock(mutex);
        if (!later.empty()) {
          auto respond = later.back();
          later.pop_back();
          return respond;
        }
      }
      std::this_thread::yield();
    }
  };

  RawConnection waiting(running.server->port());
  waiting.send("GET /later HTTP/1.1\r\nHost: a\r\n\r\n");
  const auto respond = take_later();
  RawConnection holder(running.server->port());
  holder.send("GET /hold HTTP/1.1\r\nHost: a\r\n\r\n");
  while (!holding) std::this_thread::yield();

  std::thread giver([&] { respond(HttpReply{200, "text/plain", "late", {}}); });
  giver.join();
  CHECK_THAT(waiting.read_responses(1), Catch::Matchers::EndsWith("\r\n\r\nlate"));
  release = true;
  CHECK_THAT(holder.read_responses(1), Catch::Matchers::EndsWith("\r\n\r\nheld"));
  // The connection goes on to its next request.
  waiting.send("GET /later HTTP/1.1\r\nHost: a\r\n\r\n");
  const auto again = take_later();
  std::thread([&] { again(HttpReply{200, "text/plain", "again", {}}); }).join();
  CHECK_THAT(waiting.read_responses(1), Catch::Matchers::EndsWith("\r\n\r\nagain"));

  // Once the server stopped, a late reply goes nowhere, and nothing breaks.
  RawConnection orphan(running.server->port());
  orphan.send("GET /later HTTP/1.1\r\nHost: a\r\n\r\n");
  const auto orphaned = take_later();
  running.server->stop();
  std::thread([&] { orphaned(HttpReply{200, "text/plain", "too late", {}}); }).join();
}
