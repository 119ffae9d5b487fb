// The one access check over real loopback: a real HttpServer whose
// AccessCheck is UserAuth::refusal, with a route of each level (open, user,
// webhook with and without a source token, a pass URL). Each level is
// refused and allowed as its declaration says, before its handler runs.
#include <catch2/catch.hpp>

#include <atomic>

#include "scanhook/core/auth/user_auth.hpp"
#include "scanhook/core/http/http_server.hpp"
#include "scanhook/support/http_client.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::support::HttpClient;
using scanhook::support::HttpResponse;

namespace {

const std::string kPass = "0c1fa3c9867e48b1bb3aa055cb86";
const scanhook::HeaderList kAdmin{{"Authorization", "Basic YWRtaW46c2VjcmV0"}};  // admin:secret
const scanhook::HeaderList kWrong{{"Authorization", "Basic YWRtaW46d3Jvbmc="}};  // admin:wrong

// A daemon's door with one route of each level; each handler counts its runs.
struct Door {
  Door(const std::string& username, const std::string& password)
      : auth(username, password, std::chrono::hours(1), DoorRules{{"scanhook.example"}, {}}) {
    const auto counted = [this](const HttpRequest&, const RouteParams&, const Respond& respond) {
      ++ran;
      respond(HttpReply{200, "text/plain", "ran", {}});
    };
    router.add_deferred("GET", "/health", Access::open, counted);
    router.add_deferred("GET", "/api/queue", Access::user, counted);
    router.add_webhook(
        "POST", "/triggers/{source}",
        [](const RouteParams& params) -> std::optional<WebhookCredential> {
          const std::string& source = params.at("source");
          if (source == "sonarr") return WebhookCredential{"sonarr", "t0ken", "needs a token"};
          if (source == "manual") return WebhookCredential{"manual", "", "needs the server's"};
          return std::nullopt;  // no such source: the handler says so
        },
        counted);
    router.add_secret("POST", "/{secret}", kPass, "plex_autoscan", counted,
                      [](const HttpRequest&, const RouteParams&) {
                        return scanhook::json_error(404, "no such route");
                      });
    HttpServerOptions options;
    options.port = 0;  // the kernel's choice
    options.access_log = false;
    server = std::make_unique<HttpServer>(
        options, router, metrics,
        [this](const HttpRequest& request, const Route& route, const RouteParams& params) {
          return auth.refusal(request, route, params);
        });
    server->start();
  }
  ~Door() { server->stop(); }

  HttpResponse send(const std::string& method, const std::string& target,
                    const scanhook::HeaderList& headers = {}) const {
    return HttpClient("http://127.0.0.1:" + std::to_string(server->port()), {})
        .send(method, target, headers, method == "POST" ? "{}" : "", "application/json");
  }

  UserAuth auth;
  Router router;
  Metrics metrics;
  std::unique_ptr<HttpServer> server;
  std::atomic<int> ran{0};
};

}  // namespace

TEST_CASE("an open route answers anyone", "[access]") {
  Door door("admin", "secret");
  CHECK(door.send("GET", "/health").status == 200);
  CHECK(door.send("GET", "/health", kWrong).status == 200);
  CHECK(door.ran == 2);
}

TEST_CASE("a user route needs the server's credentials, and limits wrong ones", "[access]") {
  Door door("admin", "secret");
  const auto refused = door.send("GET", "/api/queue");
  CHECK(refused.status == 401);
  CHECK(refused.header("WWW-Authenticate") ==
        std::optional<std::string>("Basic realm=\"scanhook\", charset=\"UTF-8\""));
  CHECK(door.ran == 0);
  CHECK(door.send("GET", "/api/queue", kAdmin).status == 200);
  CHECK(door.ran == 1);
  for (int i = 0; i < 5; ++i) CHECK(door.send("GET", "/api/queue", kWrong).status == 401);
  const auto limited = door.send("GET", "/api/queue", kAdmin);
  CHECK(limited.status == 429);
  CHECK(limited.header("Retry-After").has_value());
  // A source token is no user credential.
  CHECK(door.send("GET", "/api/queue", {{"X-Scanhook-Token", "t0ken"}}).status == 401);
  CHECK(door.ran == 1);
}

TEST_CASE("a webhook route takes its source's token or the server's credentials", "[access]") {
  Door door("admin", "secret");
  const auto refused = door.send("POST", "/triggers/sonarr");
  CHECK(refused.status == 401);
  CHECK(refused.body ==
        R"({"error":"no token: add ?token=<the token of [source.sonarr]> to the webhook's URL, or )"
        R"(send it in the X-Scanhook-Token header; needs a token"})");
  CHECK(door.send("POST", "/triggers/sonarr", {{"X-Scanhook-Token", "wrong"}}).status == 401);
  CHECK(door.ran == 0);
  CHECK(door.send("POST", "/triggers/sonarr", {{"X-Scanhook-Token", "t0ken"}}).status == 200);
  CHECK(door.send("POST", "/triggers/sonarr?token=t0ken").status == 200);
  CHECK(door.send("POST", "/triggers/sonarr", kAdmin).status == 200);
  CHECK(door.ran == 3);
  // Without a token of its own: the server's credentials only.
  CHECK(door.send("POST", "/triggers/manual").body ==
        R"({"error":"no credentials: send the server's username and password (HTTP Basic); )"
        R"(needs the server's"})");
  CHECK(door.send("POST", "/triggers/manual", {{"X-Scanhook-Token", "t0ken"}}).status == 401);
  CHECK(door.send("POST", "/triggers/manual", kAdmin).status == 200);
  // A route that names no source takes no credential: its handler answers.
  CHECK(door.send("POST", "/triggers/nope").status == 200);
  CHECK(door.ran == 5);
}

TEST_CASE("a webhook's 401 says whether no credential came or a wrong one, and which", "[access]") {
  Door door("admin", "secret");
  const auto error_of = [&](const std::string& target, const scanhook::HeaderList& headers) {
    const auto refused = door.send("POST", target, headers);
    CHECK(refused.status == 401);
    return refused.body;
  };
  CHECK_THAT(error_of("/triggers/sonarr", {}), StartsWith(R"({"error":"no token: add ?token=)"));
  CHECK(error_of("/triggers/sonarr", {{"X-Scanhook-Token", "guess"}}) ==
        R"({"error":"wrong token; needs a token"})");
  CHECK(error_of("/triggers/sonarr?token=guess", {}) ==
        R"({"error":"wrong token; needs a token"})");
  CHECK(error_of("/triggers/sonarr", kWrong) ==
        R"({"error":"wrong username or password; needs a token"})");
  CHECK(error_of("/triggers/sonarr?token=guess", kWrong) ==
        R"({"error":"wrong token, and wrong username or password; needs a token"})");
  CHECK(error_of("/triggers/manual", kWrong) ==
        R"({"error":"wrong username or password; needs the server's"})");
  // A token where none applies is no credential at all.
  CHECK_THAT(error_of("/triggers/manual", {{"X-Scanhook-Token", "t0ken"}}),
             StartsWith(R"({"error":"no credentials: )"));
  CHECK(door.ran == 0);
}

TEST_CASE("wrong webhook credentials are limited per source and address, apart from UI logins",
          "[access][limits]") {
  Door door("admin", "secret");
  for (int i = 0; i < 5; ++i)
    CHECK(door.send("POST", "/triggers/sonarr", {{"X-Scanhook-Token", "guess"}}).status == 401);
  const auto limited = door.send("POST", "/triggers/sonarr", {{"X-Scanhook-Token", "t0ken"}});
  CHECK(limited.status == 429);
  CHECK_THAT(limited.body, Contains("too many wrong credentials"));
  // Another source, and the UI, are not blocked by the guesses.
  CHECK(door.send("POST", "/triggers/manual", kAdmin).status == 200);
  CHECK(door.send("GET", "/api/queue", kAdmin).status == 200);
  CHECK(door.ran == 2);
}

TEST_CASE("a pass URL is its own credential, and after wrong passes the right one is limited too",
          "[access][limits]") {
  Door door("admin", "secret");
  CHECK(door.send("POST", "/" + kPass).status == 200);
  CHECK(door.ran == 1);
  // A path of another length is no guess at the pass.
  for (int i = 0; i < 5; ++i) CHECK(door.send("POST", "/guess" + std::to_string(i)).status == 404);
  CHECK(door.send("POST", "/" + kPass).status == 200);
  CHECK(door.ran == 2);
  for (int i = 0; i < 5; ++i) {
    const std::string guess = "/" + std::string(kPass.size() - 1, 'g') + std::to_string(i);
    CHECK(door.send("POST", guess).status == 404);
  }
  CHECK(door.send("POST", "/" + kPass).status == 429);
  CHECK(door.ran == 2);
}

TEST_CASE("a browser page on another site cannot post to a webhook route", "[access][door]") {
  Door door("", "");
  CHECK(door.send("POST", "/triggers/manual").status == 200);
  const auto refused = door.send("POST", "/triggers/manual", {{"Origin", "http://evil.example"}});
  CHECK(refused.status == 403);
  CHECK(door.send("POST", "/triggers/manual", {{"Sec-Fetch-Site", "cross-site"}}).status == 403);
  CHECK(door.ran == 1);
}

TEST_CASE("a daemon without credentials answers only its own Host names, on every level",
          "[access][door]") {
  Door door("", "");
  for (const auto& [method, target] :
       std::vector<std::pair<std::string, std::string>>{{"GET", "/health"},
                                                        {"GET", "/api/queue"},
                                                        {"POST", "/triggers/manual"},
                                                        {"POST", "/" + kPass}}) {
    INFO(method << " " << target);
    CHECK(door.send(method, target, {{"Host", "evil.example"}}).status == 421);
    CHECK(door.send(method, target, {{"Host", "scanhook.example:3030"}}).status == 200);
    CHECK(door.send(method, target).status == 200);  // Host: 127.0.0.1:port
  }
  CHECK(door.ran == 8);
}
