#include <catch2/catch.hpp>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/completion_flag.hpp"

using namespace scanhook::core;
using scanhook::HttpReply;
using scanhook::HttpRequest;

namespace {

// As the HTTP server does: the head check (not on Access::user routes), then the handler.
HttpReply call(const Router& router, const std::string& method, const std::string& path) {
  const auto lookup = router.find(method, path);
  REQUIRE(lookup.route != nullptr);
  const HttpRequest request{method, path, {}, {}, "", "127.0.0.1:1"};
  if (lookup.route->access != Access::user && lookup.route->head_check)
    if (auto refusal = lookup.route->head_check(request, lookup.params)) return *refusal;
  return wait_for_callback<HttpReply>(
      [&](auto done) { lookup.route->handler(request, lookup.params, Respond(std::move(done))); });
}

}  // namespace

TEST_CASE("the gate runs before every route, from the head where the server checks it",
          "[router][door]") {
  Router router;
  int handled = 0;
  router.add("GET", "/api/x", Access::user, [&](const HttpRequest&, const RouteParams&) {
    ++handled;
    return HttpReply{200, "text/plain", "ran", {}};
  });
  router.add("GET", "/open", Access::open, [&](const HttpRequest&, const RouteParams&) {
    ++handled;
    return HttpReply{200, "text/plain", "ran", {}};
  });
  router.add("POST", "/triggers/{source}", Access::webhook,
             [&](const HttpRequest&, const RouteParams&) {
               ++handled;
               return HttpReply{200, "text/plain", "ran", {}};
             });
  CHECK(call(router, "GET", "/open").body == "ran");
  std::vector<Access> seen;
  router.set_gate([&](const HttpRequest& request, Access access) -> std::optional<HttpReply> {
    seen.push_back(access);
    if (request.path == "/open") return std::nullopt;
    return scanhook::json_error(403, "refused by the gate");
  });
  CHECK(call(router, "GET", "/open").body == "ran");
  const auto refused = call(router, "POST", "/triggers/sonarr");
  CHECK(refused.status == 403);
  CHECK(call(router, "GET", "/api/x").status == 403);
  CHECK(handled == 2);  // the refused routes' handlers never ran
  CHECK(seen == std::vector<Access>{Access::open, Access::webhook, Access::user});
  // Before the body is read: a webhook route's head check holds the gate.
  const auto lookup = router.find("POST", "/triggers/radarr");
  REQUIRE(lookup.route->head_check);
  CHECK(lookup.route->head_check({"POST", "/triggers/radarr", {}, {}, "", ""}, lookup.params));
}

TEST_CASE("a path too long to log whole is cut in what logs show", "[router][limits]") {
  Router router;
  router.add("GET", "/a/*", Access::open,
             [](const HttpRequest&, const RouteParams&) { return HttpReply{}; });
  CHECK(router.find("GET", "/a/short").redacted_path.empty());
  const std::string path = "/a/" + std::string(100000, 'x');
  const auto lookup = router.find("GET", path);
  CHECK(lookup.route != nullptr);
  CHECK(lookup.redacted_path == path.substr(0, kLoggedPathBytes) + "... (100003 bytes)");
}
