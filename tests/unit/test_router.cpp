#include <catch2/catch.hpp>

#include "scanhook/core/completion_flag.hpp"
#include "scanhook/core/router.hpp"

using namespace scanhook::core;
using scanhook::HttpReply;
using scanhook::HttpRequest;

namespace {

HttpReply call(const Router& router, const std::string& method, const std::string& path) {
  const auto lookup = router.find(method, path);
  REQUIRE(lookup.route != nullptr);
  const HttpRequest request{method, path, {}, {}, "", "127.0.0.1:1"};
  return wait_for_callback<HttpReply>(
      [&](auto done) { lookup.route->handler(request, lookup.params, Respond(std::move(done))); });
}

}  // namespace

TEST_CASE("the gate runs before every route's handler, also when set after the routes",
          "[router][door]") {
  Router router;
  int handled = 0;
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
  CHECK(handled == 2);  // the refused route's handler never ran
  CHECK(seen == std::vector<Access>{Access::open, Access::webhook});
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
