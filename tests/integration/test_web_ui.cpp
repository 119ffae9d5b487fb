#include <catch2/catch.hpp>

#include <Poco/JSON/Parser.h>

#include "scanhook/support/http_client.hpp"
#include "support/daemon_process.hpp"
#include "support/temp_dir.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using scanhook::HeaderList;
using scanhook::support::HttpClient;
using scanhook::support::HttpResponse;
using scanhook::testing::DaemonProcess;
using scanhook::testing::TempDir;

namespace {

const std::string kIni =
    "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\nusername = admin\n"
    "password = s3cret\n[target.log]\n";

struct RunningDaemon {
  TempDir dir;
  DaemonProcess daemon;
  explicit RunningDaemon(const std::string& ini = kIni) : daemon(dir.path(), ini) {
    REQUIRE(daemon.wait_until_listening());
  }
  HttpClient client() const { return HttpClient(daemon.url(), {}); }
  HttpResponse send(const std::string& method, const std::string& target, HeaderList headers = {},
                    const std::string& body = {}, const std::string& type = {}) const {
    return client().send(method, target, headers, body, type);
  }
  HttpResponse login(const std::string& password, HeaderList headers = {}) const {
    return send("POST", "/login", std::move(headers), "username=admin&password=" + password,
                "application/x-www-form-urlencoded");
  }
};

// The session id from a Set-Cookie header.
std::string session_id(const HttpResponse& response) {
  const auto cookie = response.header("Set-Cookie").value_or("");
  const std::string prefix = "scanhook_session=";
  if (cookie.rfind(prefix, 0) != 0) return "";
  return cookie.substr(prefix.size(), cookie.find(';') - prefix.size());
}

std::string json_string(const std::string& body, const std::string& key) {
  const auto object = Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  return object->isNull(key) ? "(null)" : object->getValue<std::string>(key);
}

void check_security_headers(const HttpResponse& response) {
  INFO("status " << response.status);
  CHECK(response.header("Content-Security-Policy") ==
        std::optional<std::string>(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "connect-src 'self'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'self'"));
  CHECK(response.header("X-Frame-Options") == std::optional<std::string>("DENY"));
  CHECK(response.header("X-Content-Type-Options") == std::optional<std::string>("nosniff"));
  CHECK(response.header("Referrer-Policy") == std::optional<std::string>("no-referrer"));
}

}  // namespace

TEST_CASE("the UI sends a visitor to the login page, a login gives a session cookie", "[web_ui]") {
  RunningDaemon running;
  auto response = running.send("GET", "/");
  CHECK(response.status == 303);
  CHECK(response.header("Location") == std::optional<std::string>("/login"));

  response = running.send("GET", "/login");
  CHECK(response.status == 200);
  CHECK_THAT(response.body, Contains("<form method=\"post\" action=\"/login\""));

  response = running.login("wrong");
  CHECK(response.status == 401);
  CHECK_THAT(response.body, Contains("role=\"alert\">Wrong username or password.</p>"));
  CHECK_FALSE(response.header("Set-Cookie"));

  response = running.login("s3cret");
  CHECK(response.status == 303);
  CHECK(response.header("Location") == std::optional<std::string>("/"));
  const std::string id = session_id(response);
  CHECK(id.size() == 64);
  CHECK(
      response.header("Set-Cookie") ==
      std::optional<std::string>("scanhook_session=" + id + "; HttpOnly; SameSite=Strict; Path=/"));

  const HeaderList cookie = {{"Cookie", "scanhook_session=" + id}};
  response = running.send("GET", "/", cookie);
  CHECK(response.status == 200);
  CHECK_THAT(response.body, Contains("<script type=\"module\" src=\"/assets/app.js\"></script>"));
  // Behind a TLS-terminating proxy the cookie is Secure.
  response = running.login("s3cret", {{"X-Forwarded-Proto", "https"}});
  CHECK(response.header("Set-Cookie") ==
        std::optional<std::string>("scanhook_session=" + session_id(response) +
                                   "; HttpOnly; SameSite=Strict; Path=/; Secure"));
  response = running.send("GET", "/api/session", cookie);
  CHECK(response.status == 200);
  CHECK(json_string(response.body, "user") == "admin");
  CHECK(json_string(response.body, "csrf_token").size() == 64);
}

TEST_CASE("changes need the session's CSRF token, logout ends the session", "[web_ui]") {
  RunningDaemon running;
  const std::string id = session_id(running.login("s3cret"));
  const HeaderList cookie = {{"Cookie", "scanhook_session=" + id}};
  const std::string csrf =
      json_string(running.send("GET", "/api/session", cookie).body, "csrf_token");

  auto response = running.send("POST", "/logout", cookie);
  CHECK(response.status == 403);
  CHECK(
      response.body ==
      R"({"error":"missing or wrong CSRF token: send the X-CSRF-Token header from GET /api/session"})");
  response =
      running.send("POST", "/logout",
                   {{"Cookie", "scanhook_session=" + id}, {"X-CSRF-Token", "x" + csrf.substr(1)}});
  CHECK(response.status == 403);

  response = running.send("POST", "/logout",
                          {{"Cookie", "scanhook_session=" + id}, {"X-CSRF-Token", csrf}});
  CHECK(response.status == 200);
  CHECK(response.header("Set-Cookie") ==
        std::optional<std::string>(
            "scanhook_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"));
  response = running.send("GET", "/api/session", cookie);
  CHECK(response.status == 401);
  CHECK(response.body == R"({"error":"your session has ended: log in again"})");
}

TEST_CASE("scripts use Basic without CSRF, unless the browser says cross-site", "[web_ui]") {
  RunningDaemon running;
  const std::string basic = "Basic YWRtaW46czNjcmV0";  // admin:s3cret
  auto response = running.send("POST", "/logout", {{"Authorization", basic}});
  CHECK(response.status == 200);
  response = running.send("GET", "/api/services", {{"Authorization", basic}});
  CHECK(response.status == 200);
  CHECK(response.body == R"({"services":[]})");

  response =
      running.send("POST", "/logout", {{"Authorization", basic}, {"Sec-Fetch-Site", "cross-site"}});
  CHECK(response.status == 403);
  CHECK(response.body == R"({"error":"cross-site request refused"})");
  response = running.send("POST", "/logout",
                          {{"Authorization", basic}, {"Origin", "http://evil.example"}});
  CHECK(response.status == 403);

  response = running.send("GET", "/api/services");
  CHECK(response.status == 401);
  CHECK(response.header("WWW-Authenticate") ==
        std::optional<std::string>("Basic realm=\"scanhook\", charset=\"UTF-8\""));
  // The UI's own fetches get no Basic challenge (no browser password dialog).
  response = running.send("GET", "/api/services", {{"Sec-Fetch-Mode", "cors"}});
  CHECK(response.status == 401);
  CHECK_FALSE(response.header("WWW-Authenticate"));
}

TEST_CASE("failed logins are limited to 5 a minute per address", "[web_ui]") {
  RunningDaemon running;
  for (int i = 0; i < 5; ++i) CHECK(running.login("guess" + std::to_string(i)).status == 401);
  auto response = running.login("s3cret");  // even the right password waits
  CHECK(response.status == 429);
  const int wait = std::stoi(response.header("Retry-After").value_or("0"));
  CHECK(wait >= 59);
  CHECK(wait <= 60);
  CHECK_THAT(response.body, Contains("Too many failed logins from your address: try again in " +
                                     std::to_string(wait) + " seconds."));
  CHECK(session_id(response).empty());
}

TEST_CASE("pages, API answers, errors and assets all carry the security headers", "[web_ui]") {
  RunningDaemon running;
  const std::string basic = "Basic YWRtaW46czNjcmV0";
  check_security_headers(running.send("GET", "/login"));
  check_security_headers(running.send("GET", "/"));
  check_security_headers(running.send("GET", "/api/services", {{"Authorization", basic}}));
  check_security_headers(running.send("GET", "/api/services"));
  check_security_headers(running.send("GET", "/no/such/page"));
  check_security_headers(running.send("GET", "/health"));
  check_security_headers(running.send("GET", "/assets/app.css"));
}

TEST_CASE("assets are served with their types and ETags, and revalidate with 304", "[web_ui]") {
  RunningDaemon running;
  const std::vector<std::pair<std::string, std::string>> files = {
      {"/assets/app.js", "text/javascript; charset=utf-8"},
      {"/assets/sources.js", "text/javascript; charset=utf-8"},
      {"/assets/app.css", "text/css; charset=utf-8"},
      {"/assets/icon.svg", "image/svg+xml"},
  };
  for (const auto& [path, type] : files) {
    INFO(path);
    const auto response = running.send("GET", path);
    CHECK(response.status == 200);
    CHECK(response.header("Content-Type") == std::optional<std::string>(type));
    CHECK_FALSE(response.body.empty());
    const auto etag = response.header("ETag");
    REQUIRE(etag);
    CHECK_THAT(*etag, StartsWith("\""));
    const auto again = running.send("GET", path, {{"If-None-Match", *etag}});
    CHECK(again.status == 304);
    CHECK(again.body.empty());
  }
  auto response = running.send("GET", "/assets/nope.js");
  CHECK(response.status == 404);
  CHECK(response.body == R"({"error":"no such file: /assets/nope.js"})");
  response = running.send("GET", "/assets/../login.html");
  CHECK(response.status != 200);
}

TEST_CASE("without credentials the UI needs no login, but its session still needs CSRF",
          "[web_ui]") {
  RunningDaemon running(
      "[server]\nlisten = 127.0.0.1:0\ndatabase = {dir}/scanhook.db\n[target.log]\n");
  auto response = running.send("GET", "/");
  CHECK(response.status == 200);
  const std::string id = session_id(response);
  REQUIRE(id.size() == 64);
  response = running.send("GET", "/login");
  CHECK(response.status == 303);
  const HeaderList cookie = {{"Cookie", "scanhook_session=" + id}};
  response = running.send("GET", "/api/session", cookie);
  CHECK(json_string(response.body, "user") == "(null)");
  CHECK(response.body.find("\"login_required\":false") != std::string::npos);
  CHECK(running.send("POST", "/logout", cookie).status == 403);
}

TEST_CASE("the engine's changes through a session need its CSRF token too", "[web_ui]") {
  RunningDaemon running(kIni + "[queue]\nminimum_age = 10m\n");
  const std::string id = session_id(running.login("s3cret"));
  const std::string csrf =
      json_string(running.send("GET", "/api/session", {{"Cookie", "scanhook_session=" + id}}).body,
                  "csrf_token");
  const std::string body = R"({"paths":["/media/tv/Show"]})";
  auto response = running.send("POST", "/api/scan", {{"Cookie", "scanhook_session=" + id}}, body,
                               "application/json");
  CHECK(response.status == 403);
  CHECK(running.send("GET", "/api/queue", {{"Cookie", "scanhook_session=" + id}})
            .body.find("\"total\":0") != std::string::npos);
  response = running.send("POST", "/api/scan",
                          {{"Cookie", "scanhook_session=" + id}, {"X-CSRF-Token", csrf}}, body,
                          "application/json");
  CHECK(response.status == 200);
  CHECK(response.body == R"({"queued":1,"merged":0,"filtered":0})");
}
