#include <catch2/catch.hpp>

#include "scanhook/core/http/router.hpp"
#include "scanhook/core/pipeline/completion_flag.hpp"

using namespace scanhook::core;
using scanhook::HttpReply;
using scanhook::HttpRequest;

TEST_CASE("each route declares its access level, and a webhook route whose credential",
          "[router][door]") {
  Router router;
  const auto ran = [](const HttpRequest&, const RouteParams&, const Respond& respond) {
    respond(HttpReply{200, "text/plain", "ran", {}});
  };
  router.add_deferred("GET", "/api/x", Access::user, ran);
  router.add_deferred("GET", "/open", Access::open, ran);
  router.add_webhook(
      "POST", "/triggers/{source}",
      [](const RouteParams& params) -> std::optional<WebhookCredential> {
        if (params.at("source") == "nope") return std::nullopt;
        return WebhookCredential{params.at("source"), "t0ken", "needs its token"};
      },
      ran);
  CHECK(router.find("GET", "/api/x").route->access == Access::user);
  CHECK(router.find("GET", "/open").route->access == Access::open);
  const auto hook = router.find("POST", "/triggers/sonarr");
  REQUIRE(hook.route != nullptr);
  CHECK(hook.route->access == Access::webhook);
  const auto credential = hook.route->credential(hook.params);
  REQUIRE(credential);
  CHECK(credential->source == "sonarr");
  CHECK(credential->token == "t0ken");
  const auto unknown = router.find("POST", "/triggers/nope");
  CHECK_FALSE(unknown.route->credential(unknown.params));
  // A webhook route open to anyone by omission cannot be made.
  CHECK_THROWS_WITH(router.add_deferred("POST", "/hook", Access::webhook, ran),
                    Catch::Contains("declares its credential"));
  CHECK_THROWS_AS(router.add_webhook("POST", "/hook", nullptr, ran), std::invalid_argument);
  CHECK_THROWS_AS(
      router.add_secret("POST", "/{secret}", "", "source", ran,
                        [](const HttpRequest&, const RouteParams&) { return HttpReply{}; }),
      std::invalid_argument);
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
