// Requests at the front door (issue 13): long paths through regex
// rewrites, cross-site forms, foreign Host headers (DNS rebinding), and
// failed logins that must not lock out the *arr apps. A real scanhookd over
// loopback.
#include <catch2/catch.hpp>

#include <Poco/DeflatingStream.h>
#include <Poco/Exception.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>
#include <optional>
#include <sstream>

#include "scanhook/support/http_client.hpp"
#include "support/daemon_process.hpp"
#include "support/eventually.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using scanhook::HeaderList;
using scanhook::support::HttpClient;
using scanhook::support::HttpResponse;
using scanhook::testing::DaemonProcess;
using scanhook::testing::read_test_data;
using scanhook::testing::TempDir;

namespace {

const std::string kServer = "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\n";

struct RunningDaemon {
  TempDir dir;
  DaemonProcess daemon;
  explicit RunningDaemon(const std::string& ini) : daemon(dir.path(), ini) {
    REQUIRE(daemon.wait_until_listening());
  }
  HttpResponse send(const std::string& method, const std::string& target, HeaderList headers = {},
                    const std::string& body = {}, const std::string& type = {}) const {
    return HttpClient(daemon.url(), {}).send(method, target, headers, body, type);
  }
  int queued() const {
    const auto queue = send("GET", "/api/queue", {{"Authorization", kBasic}});
    REQUIRE(queue.status == 200);
    const auto at = queue.body.find("\"total\":");
    REQUIRE(at != std::string::npos);
    return std::stoi(queue.body.substr(at + 8));
  }
  static inline const std::string kBasic = "Basic YWRtaW46czNjcmV0";  // admin:s3cret
};

// Sonarr's import webhook (tests/data/sonarr/v4/download.json) with the series
// folder "/tv/Severance" moved to `folder`.
std::string sonarr_download_in(const std::string& folder) {
  std::string body = read_test_data("sonarr/v4/download.json");
  for (std::size_t at = 0; (at = body.find("\"/tv/Severance", at)) != std::string::npos;
       at += folder.size())
    body.replace(at + 1, 13, folder);
  return body;
}

// Sends `bytes` as they are (a request no HTTP client would make) from a
// socket connected to `host`:`port`, and reads the reply until the daemon closes.
std::string raw_exchange(const std::string& host, unsigned short port, const std::string& bytes) {
  Poco::Net::StreamSocket socket(Poco::Net::SocketAddress(host, port));
  socket.setReceiveTimeout(Poco::Timespan(5, 0));
  socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
  std::string reply;
  char buffer[4096];
  try {
    for (int got; (got = socket.receiveBytes(buffer, sizeof buffer)) > 0;)
      reply.append(buffer, static_cast<std::size_t>(got));
  } catch (const Poco::Exception&) {  // a reset after the reply: what came is kept
  }
  return reply;
}

// The status code of a raw reply's status line, 0 for none.
int status_of(const std::string& reply) {
  if (reply.rfind("HTTP/1.", 0) != 0 || reply.size() < 12) return 0;
  return std::atoi(reply.substr(9, 3).c_str());
}

// An IPv4 address of this machine that is not loopback, if it has one.
std::optional<std::string> non_loopback_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return std::nullopt;
  std::optional<std::string> found;
  for (const ifaddrs* at = list; at != nullptr && !found; at = at->ifa_next) {
    if (at->ifa_addr == nullptr || at->ifa_addr->sa_family != AF_INET) continue;
    const Poco::Net::SocketAddress address(at->ifa_addr, sizeof(sockaddr_in));
    if (!address.host().isLoopback()) found = address.host().toString();
  }
  ::freeifaddrs(list);
  return found;
}

}  // namespace

TEST_CASE("a 40 KB path through a regex rewrite gets a 4xx naming the limit and the daemon lives",
          "[request_checks]") {
  RunningDaemon running(kServer +
                        "[source.sonarr]\nrewrite = ~^/tv/(.*) => /mnt/tv/$1\n"
                        "[manual]\nrewrite = ~^/tv/(.*) => /mnt/tv/$1\n[target.log]\n");
  // 200 components of 200 bytes: each within NAME_MAX, 40 KB in all.
  std::string long_folder = "/tv";
  while (long_folder.size() < 40 * 1024) long_folder += "/" + std::string(199, 'a');

  auto response = running.send("POST", "/triggers/sonarr", {}, sonarr_download_in(long_folder),
                               "application/json");
  CHECK(response.status == 400);
  CHECK_THAT(response.body, Contains("over the limit of 4096 bytes (PATH_MAX)"));
  CHECK(response.body.size() < 2000);  // the path is quoted in part only

  // A form, as any web page can make a browser send (no browser headers: a script's).
  response = running.send("POST", "/triggers/manual", {}, "dir=" + long_folder,
                          "application/x-www-form-urlencoded");
  CHECK(response.status == 400);
  CHECK_THAT(response.body, Contains("(PATH_MAX)"));

  response = running.send("POST", "/triggers/manual", {}, "dir=/tv/" + std::string(300, 'b'),
                          "application/x-www-form-urlencoded");
  CHECK(response.status == 400);
  CHECK_THAT(response.body, Contains("over the limit of 255 bytes (NAME_MAX)"));

  CHECK(running.send("GET", "/health").status == 200);
  // The same rule still rewrites what fits.
  response = running.send("POST", "/triggers/sonarr", {}, sonarr_download_in("/tv/Severance"),
                          "application/json");
  CHECK(response.status == 200);
  const auto explained =
      running.send("POST", "/api/explain", {}, R"({"path":"/tv/Severance","source":"sonarr"})",
                   "application/json");
  CHECK_THAT(explained.body, Contains(R"("result":"/mnt/tv/Severance")"));
  // No log line holds the path whole.
  CHECK(running.daemon.output().find(long_folder.substr(0, 4096)) == std::string::npos);
}

// Found by a new-user trial: the access log wrote the decoded path raw, so a
// %0A in any URL (no credentials needed) forged a log line, and an ESC drove
// the terminal that shows the log.
TEST_CASE("a path with a newline or an escape sequence cannot forge an access log line",
          "[request_checks]") {
  RunningDaemon running(kServer + "[target.log]\n");
  const auto response =
      running.send("POST", "/triggers/a%0A2026-11-30%20FAKE%20LOG%1B%5B31m", {}, "x", "text/plain");
  CHECK(response.status >= 400);
  REQUIRE(running.daemon.wait_for_output(R"(a\x0a2026-11-30 FAKE LOG\x1b[31m)"));
  const std::string log = running.daemon.output();
  CHECK(log.find("\n2026-11-30 FAKE LOG") == std::string::npos);
  CHECK(log.find('\x1b') == std::string::npos);
  CHECK(running.send("GET", "/health").status == 200);
}

// Found by a new-user trial: a refused webhook left only its access line
// ("POST /triggers/sonarr" 400), the reason only in /api/deadletters.
TEST_CASE("a refused webhook's reason is in the log, escaped, with its dead letter",
          "[request_checks]") {
  RunningDaemon running(kServer + "[source.sonarr]\n[target.log]\n");
  const auto response =
      running.send("POST", "/triggers/sonarr", {}, sonarr_download_in("/tv/Sev\\u0000erance\\n"),
                   "application/json");
  REQUIRE(response.status == 400);
  REQUIRE(running.daemon.wait_for_output("a sonarr webhook was refused (400): "));
  const std::string log = running.daemon.output();
  const auto line = log.substr(log.find("a sonarr webhook was refused (400): "));
  CHECK_THAT(line.substr(0, line.find('\n')),
             Contains("NUL") && Contains("; kept as dead letter 1"));
  CHECK(running.send("GET", "/health").status == 200);
}

TEST_CASE("a request naming more paths than max_paths_per_request gets 413", "[request_checks]") {
  RunningDaemon running(kServer + "max_paths_per_request = 2\n[target.log]\n");
  const auto response = running.send("POST", "/triggers/manual?dir=/tv/a&dir=/tv/b&dir=/tv/c");
  CHECK(response.status == 413);
  CHECK_THAT(response.body, Contains("[server] max_paths_per_request"));
  CHECK(running.send("POST", "/triggers/manual?dir=/tv/a&dir=/tv/b").status == 200);
}

TEST_CASE(
    "a cross-site form to /triggers/manual gets 403 and queues nothing, and webhooks still work",
    "[request_checks]") {
  RunningDaemon running(kServer + "[queue]\nminimum_age = 10m\n[target.log]\n");
  const std::string form = "dir=/tv/Show";
  const std::string type = "application/x-www-form-urlencoded";
  // What Chromium sends for a form on another site posting here.
  for (const HeaderList& browser : {HeaderList{{"Origin", "https://evil.example"},
                                               {"Sec-Fetch-Site", "cross-site"},
                                               {"Sec-Fetch-Mode", "navigate"},
                                               {"Sec-Fetch-Dest", "document"}},
                                    HeaderList{{"Origin", "https://evil.example"}}}) {
    const auto response = running.send("POST", "/triggers/manual", browser, form, type);
    CHECK(response.status == 403);
    CHECK_THAT(response.body, Contains("cross-site request refused"));
  }
  CHECK(running.queued() == 0);
  // The manual form's own post is same-origin; a script sends no browser headers.
  CHECK(running.send("POST", "/triggers/manual", {{"Sec-Fetch-Site", "same-origin"}}, form, type)
            .status == 200);
  CHECK(running.send("POST", "/triggers/manual", {}, "dir=/tv/Other", type).status == 200);
  CHECK(running.queued() == 2);
}

TEST_CASE("without credentials a foreign Host gets 421 and no session", "[request_checks]") {
  RunningDaemon running(kServer + "server_name = scanhook.lan\n[target.log]\n");
  for (const char* host : {"evil.example:3030", "evil.example", "127.0.0.1.nip.io"}) {
    INFO(host);
    auto response = running.send("GET", "/", {{"Host", host}});
    CHECK(response.status == 421);
    CHECK_FALSE(response.header("Set-Cookie"));
    response = running.send("POST", "/api/scan", {{"Host", host}}, R"({"paths":["/tv/A"]})",
                            "application/json");
    CHECK(response.status == 421);
    CHECK_THAT(response.body, Contains("server_name"));
  }
  for (const std::string& host : {std::string("localhost:") + std::to_string(running.daemon.port()),
                                  std::string("scanhook.lan:8080"), std::string("[::1]")}) {
    INFO(host);
    const auto response = running.send("GET", "/", {{"Host", host}});
    CHECK(response.status == 200);
    CHECK(response.header("Set-Cookie"));
  }
  CHECK(running.queued() == 0);
}

TEST_CASE("eight failed logins and then a correct webhook from the same address gets 2xx",
          "[request_checks]") {
  RunningDaemon running(kServer +
                        "username = admin\npassword = s3cret\n[source.sonarr]\n"
                        "[queue]\nminimum_age = 10m\n[target.log]\n");
  for (int i = 0; i < 8; ++i) {
    const auto response = running.send("POST", "/login", {}, "username=admin&password=guess",
                                       "application/x-www-form-urlencoded");
    CHECK(response.status == (i < 5 ? 401 : 429));
  }
  const auto webhook =
      running.send("POST", "/triggers/sonarr", {{"Authorization", RunningDaemon::kBasic}},
                   read_test_data("sonarr/v4/download.json"), "application/json");
  CHECK(webhook.status == 200);
  CHECK_THAT(webhook.body, Contains("\"queued\":1"));
  // The UI login is still limited for this address.
  CHECK(running
            .send("POST", "/login", {}, "username=admin&password=s3cret",
                  "application/x-www-form-urlencoded")
            .status == 429);
}

TEST_CASE("behind a trusted proxy, one client's failed logins do not lock out another",
          "[request_checks]") {
  RunningDaemon running(kServer +
                        "username = admin\npassword = s3cret\ntrusted_proxies = 127.0.0.1/32\n"
                        "[target.log]\n");
  const std::string type = "application/x-www-form-urlencoded";
  for (int i = 0; i < 6; ++i)
    running.send("POST", "/login", {{"X-Forwarded-For", "198.51.100.1"}},
                 "username=admin&password=guess", type);
  CHECK(running
            .send("POST", "/login", {{"X-Forwarded-For", "198.51.100.1"}},
                  "username=admin&password=s3cret", type)
            .status == 429);
  CHECK(running
            .send("POST", "/login", {{"X-Forwarded-For", "198.51.100.2"}},
                  "username=admin&password=s3cret", type)
            .status == 303);
}

TEST_CASE("without credentials an absolute-form request URI is Host-checked like the Host header",
          "[request_checks]") {
  RunningDaemon running(kServer + "server_name = scanhook.lan\n[target.log]\n");
  const unsigned short port = running.daemon.port();
  const std::string loopback = "127.0.0.1:" + std::to_string(port);
  // RFC 9112 section 3.2.2: the target's authority is the host; Host is ignored.
  for (const std::string& target : {std::string("http://evil.example/health"),
                                    "http://evil.example:" + std::to_string(port) + "/",
                                    std::string("https://127.0.0.1.evil.example/health")}) {
    INFO(target);
    const std::string reply = raw_exchange(
        "127.0.0.1", port,
        "GET " + target + " HTTP/1.1\r\nHost: " + loopback + "\r\nConnection: close\r\n\r\n");
    CHECK(status_of(reply) == 421);
    CHECK_THAT(reply, Contains("server_name"));
    CHECK(reply.find("Set-Cookie") == std::string::npos);
  }
  const std::string scan = R"({"paths":["/tv/A"]})";
  const std::string post = raw_exchange(
      "127.0.0.1", port,
      "POST http://evil.example/api/scan HTTP/1.1\r\nHost: " + loopback +
          "\r\nContent-Type: application/json\r\nConnection: close\r\nContent-Length: " +
          std::to_string(scan.size()) + "\r\n\r\n" + scan);
  CHECK(status_of(post) == 421);
  CHECK(running.queued() == 0);
  // A loopback or server_name authority is served, whatever Host says.
  for (const std::string& target :
       {"http://" + loopback + "/health", std::string("http://scanhook.lan/health")}) {
    INFO(target);
    const std::string reply = raw_exchange(
        "127.0.0.1", port,
        "GET " + target + " HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
    CHECK(status_of(reply) == 200);
  }
  const std::string ftp = raw_exchange(
      "127.0.0.1", port,
      "GET ftp://127.0.0.1/health HTTP/1.1\r\nHost: " + loopback + "\r\nConnection: close\r\n\r\n");
  CHECK(status_of(ftp) == 400);
  CHECK_THAT(ftp, Contains("a path or an http(s) URL"));
}

TEST_CASE(
    "without credentials HTTP/1.0 without Host is answered only from loopback, and HTTP/1.1 "
    "without Host gets 400",
    "[request_checks]") {
  // Listening beyond loopback without credentials, as allow_unauthenticated permits.
  RunningDaemon running(
      "[server]\nlisten = 0.0.0.0:0\nallow_unauthenticated = true\n"
      "database = {dir}/scanhook.db\n[target.log]\n");
  const unsigned short port = running.daemon.port();
  const std::string reply = raw_exchange("127.0.0.1", port, "GET /health HTTP/1.0\r\n\r\n");
  CHECK(status_of(reply) == 200);
  // RFC 9112 section 3.2: a server must answer 400 to HTTP/1.1 without Host.
  const std::string no_host =
      raw_exchange("127.0.0.1", port, "GET /health HTTP/1.1\r\nConnection: close\r\n\r\n");
  CHECK(status_of(no_host) == 400);
  CHECK_THAT(no_host, Contains("an HTTP/1.1 request without Host"));

  const auto address = non_loopback_address();
  if (!address) {
    WARN("this machine has no IPv4 address but loopback: the far peer's half is not run");
    return;
  }
  // From this machine's other address, the daemon sees a peer that is not loopback.
  const std::string far = raw_exchange(*address, port, "GET /health HTTP/1.0\r\n\r\n");
  CHECK(status_of(far) == 421);
  CHECK_THAT(far, Contains("without Host is answered only from loopback"));
  const std::string far_with_host =
      raw_exchange(*address, port, "GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n");
  CHECK(status_of(far_with_host) == 200);
}

TEST_CASE("/api/explain of a 1 MB path is a 400 naming the limit, without echoing the path",
          "[request_checks]") {
  RunningDaemon running(kServer + "[source.sonarr]\n[target.log]\n");
  const std::string path = "/tv/" + std::string(1024 * 1024, 'a');
  const auto response =
      running.send("POST", "/api/explain", {}, R"({"source":"sonarr","path":")" + path + "\"}",
                   "application/json");
  CHECK(response.status == 400);
  CHECK_THAT(response.body, Contains("over the limit of 4096 bytes (PATH_MAX)"));
  CHECK(response.body.size() < 2000);
  // A path within the limit is still explained, echoed whole.
  const std::string fits = "/tv/" + std::string(4000, 'b');
  const auto explained =
      running.send("POST", "/api/explain", {}, R"({"source":"sonarr","path":")" + fits + "\"}",
                   "application/json");
  CHECK(explained.status == 200);
  CHECK_THAT(explained.body, Contains(fits));
}

TEST_CASE("twenty favicon and robots.txt requests do not block the right plex_autoscan pass",
          "[request_checks]") {
  const std::string pass = "0c1fa3c9867e48b1bb3aa055cb86";
  RunningDaemon running(kServer +
                        "[queue]\nminimum_age = 10m\n[source.sonarr]\n[source.radarr]\n"
                        "[source.lidarr]\n[source.plex_autoscan]\npass = " +
                        pass + "\n[target.log]\n");
  // What a browser and a scanner ask any web server for.
  for (int i = 0; i < 20; ++i)
    for (const char* path : {"/favicon.ico", "/robots.txt"}) {
      const auto unknown = running.send("GET", path);
      CHECK(unknown.status == 404);
      CHECK_THAT(unknown.body, Contains("no such route"));
    }
  const auto right = running.send("POST", "/" + pass, {}, sonarr_download_in("/tv/Pass Right"),
                                  "application/json");
  CHECK(right.status == 200);
  CHECK_THAT(right.body, Contains("\"queued\":1"));

  // Guesses at the pass (its length) are still limited: five, then 429 for
  // every guess and the right pass alike, while unknown paths stay 404s.
  for (int i = 0; i < 5; ++i) {
    const std::string guess = "/" + pass.substr(0, pass.size() - 1) + std::to_string(i);
    CHECK(running.send("POST", guess, {}, sonarr_download_in("/tv/Guess"), "application/json")
              .status == 404);
  }
  const auto limited =
      running.send("POST", "/" + pass, {}, sonarr_download_in("/tv/Pass Late"), "application/json");
  CHECK(limited.status == 429);
  CHECK_THAT(limited.body, Contains("too many wrong credentials from your address"));
  CHECK(running.send("GET", "/favicon.ico").status == 404);
  CHECK(running.queued() == 1);
}

namespace {

// The id of the first dead letter GET /api/deadletters lists whose error
// holds `error`, once there is one; 0 if none comes.
std::int64_t dead_letter_with(const RunningDaemon& running, const std::string& error,
                              std::string& listed) {
  std::int64_t id = 0;
  scanhook::testing::eventually([&] {
    listed = running.send("GET", "/api/deadletters").body;
    const auto at = listed.find(error);
    const auto id_at = listed.rfind("{\"id\":", at);
    if (at == std::string::npos || id_at == std::string::npos) return false;
    id = std::stoll(listed.substr(id_at + 6));
    return true;
  });
  return id;
}

// A 429's body with its number of seconds left out (two answers a second apart differ there).
std::string without_digits(std::string text) {
  text.erase(std::remove_if(text.begin(), text.end(), ::isdigit), text.end());
  return text;
}

}  // namespace

TEST_CASE(
    "a right token refused 429 after five wrong ones is kept as a dead letter that replays into "
    "the queue",
    "[request_checks][dead_letters]") {
  RunningDaemon running(kServer +
                        "[queue]\nminimum_age = 10m\n[source.sonarr]\ntoken = right-token\n"
                        "[target.log]\n");
  const std::string body = sonarr_download_in("/tv/Kept While Blocked");
  for (int i = 0; i < 5; ++i)
    CHECK(running
              .send("POST", "/triggers/sonarr?token=guess" + std::to_string(i), {}, body,
                    "application/json")
              .status == 401);
  const auto wrong =
      running.send("POST", "/triggers/sonarr?token=guess", {}, body, "application/json");
  const auto right = running.send("POST", "/triggers/sonarr", {{"X-Scanhook-Token", "right-token"}},
                                  body, "application/json");
  // The guesser learns nothing: the right token's answer is the wrong one's.
  CHECK(wrong.status == 429);
  CHECK(right.status == 429);
  CHECK(without_digits(right.body) == without_digits(wrong.body));
  CHECK(right.header("Retry-After").has_value());
  CHECK(running.queued() == 0);

  // ... but the event is not lost: kept (once, the wrong one not), said in the log, replayable.
  std::string listed;
  const std::int64_t id = dead_letter_with(running, "rate-limited", listed);
  REQUIRE(id > 0);
  CHECK_THAT(listed, Contains("\"source\":\"sonarr\"") &&
                         Contains("the right credential came from 127.0.0.1 while that address "
                                  "was blocked for wrong ones") &&
                         Contains("Kept While Blocked") && !Contains("right-token"));
  CHECK(listed.find("\"id\":", listed.find("\"id\":") + 1) == std::string::npos);  // one letter
  CHECK(running.daemon.wait_for_output("kept the sonarr webhook refused with 429 as dead letter " +
                                       std::to_string(id)));
  const auto replayed = running.send("POST", "/api/deadletters/" + std::to_string(id) + "/replay");
  CHECK(replayed.status == 200);
  CHECK_THAT(replayed.body, Contains("\"queued\":1"));
  CHECK(running.queued() == 1);
}

TEST_CASE(
    "a right plex_autoscan pass refused 429 after five wrong guesses is kept as a dead letter of "
    "the source it forwards to",
    "[request_checks][dead_letters]") {
  const std::string pass = "0c1fa3c9867e48b1bb3aa055cb86";
  RunningDaemon running(kServer +
                        "[queue]\nminimum_age = 10m\n[source.sonarr]\n[source.radarr]\n"
                        "[source.lidarr]\n[source.plex_autoscan]\npass = " +
                        pass + "\n[target.log]\n");
  const std::string body = sonarr_download_in("/tv/Pass Kept");
  for (int i = 0; i < 5; ++i)
    CHECK(running
              .send("POST", "/" + pass.substr(0, pass.size() - 1) + std::to_string(i), {}, body,
                    "application/json")
              .status == 404);
  const auto wrong = running.send("POST", "/" + pass.substr(0, pass.size() - 1) + "x", {}, body,
                                  "application/json");
  const auto right = running.send("POST", "/" + pass, {}, body, "application/json");
  CHECK(wrong.status == 429);
  CHECK(right.status == 429);
  CHECK(without_digits(right.body) == without_digits(wrong.body));

  std::string listed;
  const std::int64_t id = dead_letter_with(running, "rate-limited", listed);
  REQUIRE(id > 0);
  // Kept as Sonarr's (plex_autoscan hands Sonarr's payloads to [source.sonarr]); the pass is not
  // kept.
  CHECK_THAT(listed, Contains("\"source\":\"sonarr\"") && Contains("Pass Kept") && !Contains(pass));
  const auto replayed = running.send("POST", "/api/deadletters/" + std::to_string(id) + "/replay");
  CHECK(replayed.status == 200);
  CHECK(running.queued() == 1);
}

TEST_CASE(
    "refusals say what was wrong: a header over the reader's limits, a multipart body without "
    "its boundary",
    "[request_checks]") {
  RunningDaemon running(
      kServer + "[source.plex]\nurl = http://127.0.0.1:1\nserver_token = t\n[target.log]\n");
  const unsigned short port = running.daemon.port();
  const std::string head = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  // Poco's own text was "Field value too long/no CRLF found", naming no header and no limit.
  std::string reply =
      raw_exchange("127.0.0.1", port, head + "X-Long: " + std::string(9000, 'a') + "\r\n\r\n");
  CHECK(status_of(reply) == 431);
  CHECK_THAT(reply, Contains("the value of the header X-Long is 9000 bytes, over the limit of "
                             "8191 bytes for one header"));
  reply = raw_exchange("127.0.0.1", port, head + std::string(300, 'N') + ": 1\r\n\r\n");
  CHECK(status_of(reply) == 431);
  CHECK_THAT(reply, Contains("a header name (\\\"" + std::string(64, 'N') +
                             "...\\\") is longer than 255 bytes"));
  std::string many = head;
  for (int i = 0; i < 101; ++i) many += "X-" + std::to_string(i) + ": 1\r\n";
  reply = raw_exchange("127.0.0.1", port, many + "\r\n");
  CHECK(status_of(reply) == 431);
  CHECK_THAT(reply, Contains("more than 100 header lines"));
  CHECK(running.send("GET", "/health", {{"X-Fits", std::string(8000, 'a')}}).status == 200);

  // Plex posts multipart/form-data; a form without its boundary says so.
  auto response = running.send("POST", "/triggers/plex", {}, "payload={}", "multipart/form-data");
  CHECK(response.status == 400);
  CHECK_THAT(response.body, Contains("a multipart/form-data Content-Type must name its boundary "
                                     "(multipart/form-data; boundary=...), and this one names "
                                     "none"));
  response = running.send("POST", "/triggers/plex", {}, "payload={}",
                          "multipart/form-data; boundary=abc123");
  CHECK(response.status == 400);
  CHECK_THAT(response.body,
             Contains("the boundary its Content-Type names (--abc123) is nowhere in the body"));
}

TEST_CASE("an unknown source is a 404 whatever the method, a known one's wrong method a 405",
          "[request_checks]") {
  RunningDaemon running(kServer + "[source.sonarr]\n[target.log]\n");
  for (const char* method : {"GET", "DELETE", "POST", "PUT"}) {
    INFO(method);
    const auto response = running.send(method, "/triggers/nosuch");
    CHECK(response.status == 404);
  }
  CHECK_THAT(running.send("POST", "/triggers/sonar").body, Contains("did you mean 'sonarr'"));
  const auto known = running.send("GET", "/triggers/sonarr");
  CHECK(known.status == 405);
  CHECK(known.header("Allow") == std::optional<std::string>("POST, PUT"));
  CHECK(running.send("GET", "/triggers/manual").status == 200);  // the manual form
}

// Found by a new-user trial: a gzip-compressed webhook was read as it came
// and refused as unparseable JSON. No product scanhook serves compresses its
// webhooks (jellyfin-plugin-webhook's GenericClient sends a StringContent).
TEST_CASE(
    "a webhook with a Content-Encoding is a 415 naming it and saying to send it uncompressed, and "
    "nothing is queued or kept",
    "[request_checks]") {
  RunningDaemon running(kServer +
                        "[queue]\nminimum_age = 10m\n[source.sonarr]\ntoken = sonarr-token\n"
                        "[target.log]\n");
  const std::string body = sonarr_download_in("/tv/Compressed");
  std::ostringstream gzipped;
  {
    Poco::DeflatingOutputStream deflate(gzipped, Poco::DeflatingStreamBuf::STREAM_GZIP);
    deflate << body;
    deflate.close();
  }
  for (const auto& [coding, bytes] :
       {std::make_pair(std::string("gzip"), gzipped.str()), std::make_pair(std::string("br"), body),
        std::make_pair(std::string("deflate, gzip"), body)}) {
    INFO(coding);
    const auto refused =
        running.send("POST", "/triggers/sonarr",
                     {{"X-Scanhook-Token", "sonarr-token"}, {"Content-Encoding", coding}}, bytes,
                     "application/json");
    CHECK(refused.status == 415);
    CHECK(refused.body == R"({"error":"the request body is sent with Content-Encoding: )" + coding +
                              R"(; this server reads bodies uncompressed only: send it without )"
                              R"(Content-Encoding"})");
    CHECK(refused.header("Accept-Encoding") == std::optional<std::string>("identity"));
  }
  // A second Content-Encoding field is read too, not only the first (sent raw:
  // the test client keeps one field per name).
  const std::string second =
      raw_exchange("127.0.0.1", running.daemon.port(),
                   "POST /triggers/sonarr HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                   "X-Scanhook-Token: sonarr-token\r\nContent-Type: application/json\r\n"
                   "Content-Encoding: identity\r\nContent-Encoding: gzip\r\nContent-Length: " +
                       std::to_string(gzipped.str().size()) + "\r\n\r\n" + gzipped.str());
  CHECK(status_of(second) == 415);
  CHECK_THAT(second, Contains("Content-Encoding: identity, gzip;"));
  CHECK(running.queued() == 0);
  CHECK(running.send("GET", "/api/deadletters").body.find("\"id\":") == std::string::npos);
  // Credentials come first: a stranger's compressed webhook is a 401.
  CHECK(running
            .send("POST", "/triggers/sonarr", {{"Content-Encoding", "gzip"}}, gzipped.str(),
                  "application/json")
            .status == 401);
  // Uncompressed (or "identity") it is taken.
  CHECK(running
            .send("POST", "/triggers/sonarr",
                  {{"X-Scanhook-Token", "sonarr-token"}, {"Content-Encoding", "identity"}}, body,
                  "application/json")
            .status == 200);
  CHECK(running.queued() == 1);
}
