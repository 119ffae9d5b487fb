// The one table of how a server's answer is read (server_answer.hpp), each
// row sent over real loopback HTTP: answers about the server pause or retry
// and keep the folder; only answers about the folder reject it.
#include <catch2/catch.hpp>

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <mutex>
#include <thread>

#include "fakes/fake_http_server.hpp"
#include "scanhook/support/server_answer.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using scanhook::HttpReply;
using scanhook::Status;
using scanhook::fakes::FakeHttpServer;
using scanhook::fakes::RecordedRequest;
using scanhook::support::AnswerContext;
using scanhook::support::classify_answer;
using scanhook::support::HttpClient;
using scanhook::support::HttpResponse;
using scanhook::support::Scope;
using scanhook::support::unreadable_answer;

namespace {

// nginx 1.22's own 502 page, as a proxy in front of a stopped server sends it.
const std::string kNginx502 =
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx/1.22.1</center>\r\n"
    "</body>\r\n</html>\r\n";

// A server answering whatever the row sets.
struct Answering {
  std::mutex mutex;
  HttpReply reply{200, "application/json", "{}", {}};
  FakeHttpServer server{[this](const RecordedRequest&) {
    std::lock_guard lock(mutex);
    return reply;
  }};

  HttpResponse ask(const HttpReply& answer, const std::string& route) {
    {
      std::lock_guard lock(mutex);
      reply = answer;
    }
    return HttpClient(server.url(), {std::chrono::milliseconds(2000), true, ""}).send("GET", route);
  }
};

AnswerContext plex_context(const std::string& base_url, const std::string& route, Scope scope) {
  return {"Plex", "GET", route, base_url, "target.plex", "token", scope};
}

struct Row {
  const char* what;
  HttpReply answer;
  Scope scope;
  Status expected;
  const char* reason_holds;
};

}  // namespace

TEST_CASE("every HTTP answer is read as about the server or about the folder", "[server_answer]") {
  Answering fake;
  const std::string sections = "/library/sections";
  const std::string refresh = "/library/sections/2/refresh?path=%2Ftv%2FShow";
  const std::vector<Row> rows = {
      {"a 200", {200, "application/json", "{}", {}}, Scope::server, Status::ok, ""},
      {"a 204", {204, "", "", {}}, Scope::folder, Status::ok, ""},
      {"a 401",
       {401, "text/html", "<html><body>Unauthorized</body></html>", {}},
       Scope::server,
       Status::unavailable,
       "check token in [target.plex]"},
      {"a 403 on a folder's route",
       {403, "", "", {}},
       Scope::folder,
       Status::unavailable,
       "Plex rejected the token (HTTP 403"},
      {"a proxy's 404 page on the section list",
       {404, "text/plain", "404 page not found", {}},
       Scope::server,
       Status::unavailable,
       "is this the Plex server, or a proxy in front of it that is not ready?"},
      {"a 405 on the section list",
       {405, "", "", {}},
       Scope::server,
       Status::unavailable,
       "does something in front of Plex refuse this request?"},
      {"a 404 on a folder's route",
       {404, "", "", {}},
       Scope::folder,
       Status::retry,
       "not an answer about the folder"},
      {"a 400 on a folder's route",
       {400, "application/json", "{\"error\":\"bad path\"}", {}},
       Scope::folder,
       Status::rejected,
       "it says the path is invalid"},
      {"a 422 on a folder's route",
       {422, "", "", {}},
       Scope::folder,
       Status::rejected,
       "it says the path is invalid"},
      {"a proxy's HTML 400 on a folder's route",
       {400, "text/html", "<html><body>400 The plain HTTP request was sent to HTTPS port", {}},
       Scope::folder,
       Status::unavailable,
       "with a web page, not an answer of Plex's API"},
      {"a 301 to https",
       {301, "", "", {{"Location", "https://plex.example.test/library/sections"}}},
       Scope::server,
       Status::unavailable,
       "set url in [target.plex] to https://plex.example.test"},
      {"a 302 with no Location",
       {302, "", "", {}},
       Scope::folder,
       Status::unavailable,
       "scanhook does not follow redirects"},
      {"a 307 to a login page",
       {307, "", "", {{"Location", "https://auth.example.test/?rd=x"}}},
       Scope::server,
       Status::unavailable,
       "away from Plex (a login page of a proxy"},
      {"a 308 to the same host elsewhere",
       {308, "", "", {{"Location", "/login"}}},
       Scope::server,
       Status::unavailable,
       "answers its API itself"},
      {"a 408", {408, "", "", {}}, Scope::folder, Status::retry, "answered HTTP 408"},
      {"a 429",
       {429, "", "", {{"Retry-After", "12"}}},
       Scope::folder,
       Status::retry,
       "answered HTTP 429"},
      {"a 500", {500, "", "", {}}, Scope::folder, Status::retry, "answered HTTP 500"},
      {"an HTML 502 from nginx",
       {502, "text/html", kNginx502, {}},
       Scope::folder,
       Status::unavailable,
       "with a web page, not an answer of Plex's API: a proxy in front"},
      {"a 503", {503, "", "", {}}, Scope::server, Status::unavailable, "cannot reach it"},
      {"a 503 with Retry-After",
       {503, "", "", {{"Retry-After", "5"}}},
       Scope::server,
       Status::retry,
       "answered HTTP 503"},
      {"a 504", {504, "", "", {}}, Scope::folder, Status::unavailable, "cannot reach it"},
  };
  for (const auto& row : rows) {
    SECTION(row.what) {
      const std::string route = row.scope == Scope::folder ? refresh : sections;
      const auto response = fake.ask(row.answer, route);
      const auto result =
          classify_answer(response, plex_context(fake.server.url(), route, row.scope));
      CHECK(status_name(result.status) == std::string(status_name(row.expected)));
      CHECK_THAT(result.reason, Contains(row.reason_holds));
      if (result.status != Status::ok)
        CHECK_THAT(result.reason, Contains("GET " + route.substr(0, route.find('?'))));
      if (row.answer.status == 429) CHECK(result.retry_after == std::chrono::seconds(12));
    }
  }
}

TEST_CASE("Retry-After is read as seconds or as an HTTP-date", "[server_answer]") {
  Answering fake;
  const auto in = [&](const std::string& value) {
    return fake.ask({429, "", "", {{"Retry-After", value}}}, "/").retry_after();
  };
  CHECK(in("120") == std::chrono::seconds(120));
  CHECK(in("0") == std::chrono::seconds(0));
  CHECK(in("soon") == std::chrono::seconds(0));
  CHECK(in("Wed, 21 Oct 2015 07:28:00 GMT") == std::chrono::seconds(0));  // past
  const Poco::Timestamp later = Poco::Timestamp() + 90 * Poco::Timestamp::resolution();
  const auto wait = in(Poco::DateTimeFormatter::format(later, Poco::DateTimeFormat::HTTP_FORMAT));
  CHECK(wait >= std::chrono::seconds(88));
  CHECK(wait <= std::chrono::seconds(90));
}

TEST_CASE("no answer at all pauses the target and says what to check", "[server_answer]") {
  const std::string sections = "/library/sections";
  SECTION("connection refused") {
    FakeHttpServer server([](const RecordedRequest&) { return HttpReply{200, "", "", {}}; });
    const std::string url = server.url();
    server.set_down(true);
    const auto response = HttpClient(url, {}).send("GET", sections);
    const auto result = classify_answer(response, plex_context(url, sections, Scope::folder));
    CHECK(result.status == Status::unavailable);
    CHECK_THAT(result.reason, StartsWith("Plex did not answer: "));
    CHECK_THAT(result.reason, Contains("is Plex running, and are url's host and port"));
  }
  SECTION("connection reset") {
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::thread resetter([&] {
      Poco::Net::StreamSocket accepted = listener.acceptConnection();
      accepted.setLinger(true, 0);  // close with RST
      accepted.close();
    });
    const std::string url = "http://127.0.0.1:" + std::to_string(listener.address().port());
    const auto response = HttpClient(url, {}).send("GET", sections);
    resetter.join();
    const auto result = classify_answer(response, plex_context(url, sections, Scope::folder));
    CHECK_FALSE(response.answered());
    CHECK(result.status == Status::unavailable);
    CHECK_THAT(result.reason, StartsWith("Plex did not answer: "));
  }
  SECTION("a timeout") {
    FakeHttpServer server([](const RecordedRequest&) { return HttpReply{200, "", "", {}}; });
    server.set_delay(std::chrono::milliseconds(1500));
    const auto response =
        HttpClient(server.url(), {std::chrono::milliseconds(200), true, ""}).send("GET", sections);
    const auto result =
        classify_answer(response, plex_context(server.url(), sections, Scope::folder));
    CHECK(result.status == Status::unavailable);
    CHECK_THAT(result.reason, Contains("timed out after 200 ms on GET /library/sections"));
    CHECK_THAT(result.reason, Contains("raise timeout in [target.plex]"));
  }
  SECTION("TLS spoken to a plain HTTP server") {
    // A plain HTTP server answers a TLS ClientHello with a 400 at once (a
    // parser of the fakes' kind may instead wait for the rest of a head that
    // the random bytes never finish, which made this check flaky).
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::thread plain_server([&] {
      Poco::Net::StreamSocket accepted = listener.acceptConnection();
      char hello[512];
      accepted.receiveBytes(hello, sizeof hello);
      const std::string answer = "HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n";
      accepted.sendBytes(answer.data(), static_cast<int>(answer.size()));
      accepted.close();
    });
    const std::string url = "https://127.0.0.1:" + std::to_string(listener.address().port());
    const auto response =
        HttpClient(url, {std::chrono::milliseconds(2000), true, ""}).send("GET", sections);
    plain_server.join();
    const auto result = classify_answer(response, plex_context(url, sections, Scope::server));
    CHECK(result.status == Status::unavailable);
    CHECK_THAT(result.reason, Contains("set url in [target.plex] to http://"));
  }
}

TEST_CASE("a redirect into Jellyfin's base path names the url to set", "[server_answer]") {
  // Jellyfin 10.10 with Base URL /jellyfin answers a request outside it with
  // a relative Location (BaseUrlRedirectionMiddleware).
  Answering fake;
  const std::string route = "/Library/VirtualFolders";
  const auto response = fake.ask({302, "", "", {{"Location", "../jellyfin/web/"}}}, route);
  const AnswerContext context{"Jellyfin",        "GET",   route,        fake.server.url(),
                              "target.jellyfin", "token", Scope::server};
  const auto result = classify_answer(response, context);
  CHECK(result.status == Status::unavailable);
  CHECK(result.reason ==
        "Jellyfin answered HTTP 302 on GET /Library/VirtualFolders: it points to " +
            fake.server.url() +
            "/jellyfin/web/; scanhook does not follow redirects: set url in "
            "[target.jellyfin] to " +
            fake.server.url() + "/jellyfin");
  // Older Jellyfin redirected to web/index.html.
  const auto older = fake.ask({302, "", "", {{"Location", "../jellyfin/web/index.html"}}}, route);
  CHECK_THAT(classify_answer(older, context).reason,
             Contains("set url in [target.jellyfin] to " + fake.server.url() + "/jellyfin"));
}

TEST_CASE("a 2xx that is not the API's answer pauses the target", "[server_answer]") {
  Answering fake;
  const std::string route = "/library/sections";
  const auto page = fake.ask(
      {200, "text/html; charset=utf-8", "<!DOCTYPE html><html><title>Plex</title></html>", {}},
      route);
  const auto result =
      unreadable_answer(page, plex_context(fake.server.url(), route, Scope::server), "not JSON");
  CHECK(result.status == Status::unavailable);
  CHECK(result.reason ==
        "Plex answered GET /library/sections with a web page that is not its API's answer (not "
        "JSON): is url in [target.plex] the address of Plex's API, not of its web app or a "
        "proxy's page?");
  const auto garbage = fake.ask({200, "application/json", "{\"Media", {}}, route);
  CHECK_THAT(
      unreadable_answer(garbage, plex_context(fake.server.url(), route, Scope::server), "cut short")
          .reason,
      StartsWith("Plex answered GET /library/sections with something that is not"));
}
