// A source's pass URL (GET and POST /<pass>): routing, the wrong-pass limit,
// and the [source.NAME] pass key; plex_autoscan's URL is the first user.
#include <catch2/catch.hpp>

#include "scanhook/core/auth/user_auth.hpp"
#include "scanhook/core/config/ini_file.hpp"
#include "scanhook/core/pipeline/completion_flag.hpp"
#include "scanhook/core/plugins/plugin_catalog.hpp"
#include "scanhook/core/web/source_pass_routes.hpp"
#include "support/config_refusal.hpp"
#include "support/fake_pipeline.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using Catch::Matchers::Contains;
using scanhook::ForwardingSource;
using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::testing::TempDir;

namespace {

const std::string kPass = "0c1fa3c9867e48b1bb3aa055cb86";
const std::string kOtherPass = "9b8e7f0a1c2d3e4f5a6b";

// A forwarding source's page, as the plex_autoscan plugin offers one.
struct PageSource final : ForwardingSource {
  std::string forward_to(const HttpRequest&) noexcept override { return {}; }
  HttpReply page(const HttpRequest& request) noexcept override {
    return {200, "text/html; charset=utf-8", "<form> for " + request.remote_address, {}};
  }
};

// Routes whose deliveries are recorded instead of run.
struct RoutesRig {
  RoutesRig() : RoutesRig({{"plex_autoscan", kPass, &page}, {"sonarr", kOtherPass, nullptr}}) {}
  explicit RoutesRig(std::vector<PassSource> passes) : routes(std::move(passes), webhooks) {
    webhooks.sources["plex_autoscan"].answer.reply = {
        200, "application/json", R"({"from":"plex_autoscan"})", {}};
    webhooks.sources["sonarr"].answer.reply = {200, "application/json", R"({"from":"sonarr"})", {}};
    routes.register_routes(router);
  }

  scanhook::testing::FakeWebhookSources webhooks;
  std::vector<std::string>& delivered = webhooks.delivered;
  PageSource page;
  UserAuth auth{"", ""};
  SourcePassRoutes routes;
  Router router;
};

// As the HTTP server does: the access check (which counts wrong passes), then the route.
HttpReply call(RoutesRig& rig, const std::string& method, const std::string& path,
               const std::string& remote, const std::string& body = "") {
  const auto lookup = rig.router.find(method, path);
  REQUIRE(lookup.route != nullptr);
  HttpRequest request{method, path, {}, {{"Host", "127.0.0.1:3030"}}, "", remote};
  request.body = body;
  if (auto refusal = rig.auth.refusal(request, *lookup.route, lookup.params)) {
    if (refusal->keep && lookup.route->keep_refused)
      lookup.route->keep_refused(request, lookup.params, *refusal->keep);
    return refusal->reply;
  }
  return scanhook::core::wait_for_callback<HttpReply>([&](auto done) {
    lookup.route->handler(request, lookup.params, scanhook::core::Respond(std::move(done)));
  });
}

// A validated configuration on the real webhook source plugins.
Config validated(const TempDir& dir, const std::string& ini) {
  const auto plugins = dir.path() / "plugins";
  std::filesystem::create_directories(plugins);
  for (const char* name : {"sonarr", "radarr", "rclone", "plex_autoscan"})
    if (!std::filesystem::exists(plugins / (std::string(name) + ".so")))
      std::filesystem::copy_file(scanhook::testing::plugin_file(name),
                                 plugins / (std::string(name) + ".so"));
  static std::vector<std::unique_ptr<PluginCatalog>> catalogs;  // outlive the configs
  catalogs.push_back(std::make_unique<PluginCatalog>(PluginCatalog::scan(plugins)));
  return validate_config(parse_ini(ini, "test.ini"), *catalogs.back());
}

std::string error_of(const TempDir& dir, const std::string& ini) {
  return scanhook::testing::config_refusal([&] { validated(dir, ini); }, ini);
}

}  // namespace

TEST_CASE("a pass URL delivers the request to its source, which sees its own route",
          "[pass][plex_autoscan]") {
  RoutesRig rig;
  CHECK(call(rig, "POST", "/" + kPass, "192.0.2.1:5", "{\"series\":{}}").body ==
        R"({"from":"plex_autoscan"})");
  CHECK(call(rig, "POST", "/" + kOtherPass, "192.0.2.1:5", "{}").body == R"({"from":"sonarr"})");
  // The pass never reaches a plugin (nor a dead letter kept from its request).
  CHECK(rig.delivered ==
        std::vector<std::string>{"plex_autoscan POST /triggers/plex_autoscan {\"series\":{}}",
                                 "sonarr POST /triggers/sonarr {}"});
}

TEST_CASE("a GET at a pass is a forwarding source's page, and a 405 for a plain source",
          "[pass][plex_autoscan]") {
  RoutesRig rig;
  const auto form = call(rig, "GET", "/" + kPass, "192.0.2.1:5");
  CHECK(form.status == 200);
  CHECK(form.content_type == "text/html; charset=utf-8");
  CHECK(form.body == "<form> for 192.0.2.1:5");
  const auto plain = call(rig, "GET", "/" + kOtherPass, "192.0.2.1:5");
  CHECK(plain.status == 405);
  CHECK(plain.body == R"({"error":"the source sonarr takes webhooks here by POST"})");
  CHECK(rig.delivered.empty());
}

TEST_CASE("pass routes exist only at the passes, and never show a pass in the logs",
          "[pass][plex_autoscan]") {
  Router none;
  scanhook::testing::FakeWebhookSources no_sources;
  SourcePassRoutes({}, no_sources).register_routes(none);
  CHECK(none.find("POST", "/anything").route == nullptr);

  RoutesRig rig;
  rig.router.add("GET", "/health", Access::open,
                 [](const HttpRequest&, const RouteParams&) { return HttpReply{}; });
  const auto post = rig.router.find("POST", "/" + kPass);
  REQUIRE(post.route != nullptr);
  CHECK(post.route->access == Access::webhook);
  CHECK(post.redacted_path == "/{secret}");
  CHECK(post.params.empty());
  CHECK(rig.router.find("GET", "/" + kPass + "/").route->method == "GET");
  CHECK(rig.router.find("GET", "/health").route->pattern == "/health");
  CHECK(rig.router.find("GET", "/health").redacted_path.empty());
  // A wrong pass reaches the route that counts it, and is not logged (it may be a near miss).
  for (const std::string& wrong :
       std::vector<std::string>{kPass.substr(1), kPass + "0", "1" + kPass.substr(1)}) {
    INFO(wrong);
    const auto lookup = rig.router.find("POST", "/" + wrong);
    REQUIRE(lookup.route != nullptr);
    CHECK(lookup.route->secret_miss);
    CHECK(lookup.allowed_methods.empty());
    CHECK(lookup.redacted_path == "/{secret} (a wrong secret)");
  }
  CHECK(rig.router.find("POST", "/").route == nullptr);
  // Neither a wrong method nor a longer path shows the pass in the logs.
  const auto put = rig.router.find("PUT", "/" + kPass);
  CHECK(put.route == nullptr);
  CHECK(put.allowed_methods == std::vector<std::string>{"GET", "POST"});
  CHECK(put.redacted_path == "/{secret}");
  const auto longer = rig.router.find("POST", "/" + kPass + "/x");
  CHECK(longer.route == nullptr);
  CHECK(longer.redacted_path == "/{secret}/...");
}

TEST_CASE("wrong passes are limited per source and address, then that pass is refused too",
          "[pass][plex_autoscan][limits]") {
  RoutesRig rig;
  // Guesses at plex_autoscan's pass: segments of its length.
  for (int i = 0; i < 5; ++i) {
    const std::string guess = "/" + std::string(kPass.size() - 1, 'g') + std::to_string(i);
    const auto wrong = call(rig, "POST", guess, "192.0.2.7:1000");
    CHECK(wrong.status == 404);
    CHECK(wrong.body == "{\"error\":\"no such route: " + guess + "\"}");
  }
  // Blocked at that source, the right pass included, so a guesser learns nothing.
  const auto limited = call(rig, "GET", "/" + kPass, "192.0.2.7:1001");
  CHECK(limited.status == 429);
  CHECK_THAT(limited.body, Contains("too many wrong credentials"));
  CHECK(call(rig, "POST", "/" + kPass, "192.0.2.7:1001", "{\"series\":{}}").status == 429);
  CHECK(call(rig, "GET", "/" + std::string(kPass.size(), 'h'), "192.0.2.7:1002").status == 429);
  // The right pass's POST is kept for a replay (a page's GET and a guess are not).
  CHECK(rig.webhooks.kept ==
        std::vector<std::string>{"plex_autoscan {\"series\":{}} (rate-limited: the right "
                                 "credential came from 192.0.2.7 while that address was blocked "
                                 "for wrong ones)"});
  // Another source's pass (another length), an unknown path, and another address are not.
  CHECK(call(rig, "POST", "/" + kOtherPass, "192.0.2.7:1001").status == 200);
  CHECK(call(rig, "GET", "/favicon.ico", "192.0.2.7:1003").status == 404);
  CHECK(call(rig, "GET", "/" + kPass, "192.0.2.8:1000").status == 200);
  CHECK(rig.delivered == std::vector<std::string>{"sonarr POST /triggers/sonarr "});
}

TEST_CASE("a guess at two passes of one length counts against both sources",
          "[pass][plex_autoscan][limits]") {
  const std::string twin(kPass.size(), 'f');  // another pass, as long as plex_autoscan's
  RoutesRig rig({{"plex_autoscan", kPass, nullptr}, {"sonarr", twin, nullptr}});
  for (int i = 0; i < 5; ++i)
    CHECK(call(rig, "POST", "/" + std::string(kPass.size() - 1, 'g') + std::to_string(i),
               "192.0.2.7:1000")
              .status == 404);
  // Neither pass is an oracle for the guesser.
  CHECK(call(rig, "POST", "/" + kPass, "192.0.2.7:1001").status == 429);
  CHECK(call(rig, "POST", "/" + twin, "192.0.2.7:1001").status == 429);
  CHECK(call(rig, "POST", "/" + twin, "192.0.2.8:1000", "{}").status == 200);
  CHECK(rig.delivered == std::vector<std::string>{"sonarr POST /triggers/sonarr {}"});
}

TEST_CASE("an unknown one-segment path is a 404 that counts against no one",
          "[pass][plex_autoscan][limits]") {
  RoutesRig rig;
  // A browser's and scanners' paths: no pass has their length.
  for (int i = 0; i < 20; ++i)
    for (const char* path : {"/favicon.ico", "/robots.txt", "/wp-login.php", "/.env", "/admin"}) {
      INFO(path);
      const auto unknown = call(rig, "GET", path, "192.0.2.7:1000");
      CHECK(unknown.status == 404);
      CHECK(unknown.body == std::string("{\"error\":\"no such route: ") + path + "\"}");
    }
  CHECK(call(rig, "GET", "/" + kPass, "192.0.2.7:1001").status == 200);
  CHECK(call(rig, "POST", "/" + kPass, "192.0.2.7:1001", "{}").status == 200);
  CHECK(call(rig, "POST", "/" + kOtherPass, "192.0.2.7:1001", "{}").status == 200);
}

TEST_CASE("a pass is a URL segment of 8 or more safe characters, one per source, never shown",
          "[pass][plex_autoscan][config]") {
  TempDir dir;
  const auto config = validated(dir, "[source.plex_autoscan]\npass = " + kPass +
                                         "\nsonarr = tv\n[source.tv]\nplugin = sonarr\n");
  const auto* autoscan = config.find(Role::source, "plex_autoscan");
  REQUIRE(autoscan != nullptr);
  CHECK(autoscan->source().pass == kPass);
  CHECK(autoscan->plugin_config.string("sonarr") == "tv");
  CHECK(autoscan->plugin_config.string("radarr") == "radarr");  // the default

  for (const std::string pass :
       {"short7c", "has/a/slash/in/it", "with space inside", "pct%2Fenc"}) {
    INFO(pass);
    const std::string error = error_of(dir, "[source.plex_autoscan]\n\npass = " + pass + "\n");
    CHECK(error ==
          "test.ini:3: [source.plex_autoscan] pass: it is a URL path segment, so use 8 or more of "
          "the characters A-Z a-z 0-9 - . _ ~\n");
  }
  CHECK(error_of(dir, "[source.plex_autoscan]\npass = " + kPass +
                          "\n[source.sonarr]\npass = " + kPass + "\n") ==
        "test.ini:4: [source.sonarr] pass: [source.plex_autoscan] has the same pass: each URL "
        "takes one source\n");
  CHECK_THAT(error_of(dir, "[source.rclone]\nremote = r:\npass = " + kPass + "\n"),
             Contains("test.ini:3: [source.rclone] pass: only a webhook source can have a pass"));
}

TEST_CASE("[server] plex_autoscan_* keys are refused, each saying where it goes now",
          "[pass][plex_autoscan][config]") {
  TempDir dir;
  const std::string error =
      error_of(dir, "[server]\nplex_autoscan_pass = " + kPass +
                        "\nplex_autoscan_radarr = movies\nplex_autoscan_pass_file = /x\n");
  const std::string why =
      " section (plex_autoscan compatibility is now the plex_autoscan source plugin; without "
      "sonarr, radarr or lidarr keys it forwards to the sources of those names, and its manual "
      "form's paths follow that section's rewrite, include and exclude, not [manual]'s)\n";
  CHECK(error ==
        "test.ini:2: [server] plex_autoscan_pass: moved: write it as pass in a "
        "[source.plex_autoscan]" +
            why +
            "test.ini:3: [server] plex_autoscan_radarr: moved: write it as radarr in a "
            "[source.plex_autoscan]" +
            why +
            "test.ini:4: [server] plex_autoscan_pass_file: moved: write it as pass_file "
            "in a [source.plex_autoscan]" +
            why);
  CHECK(error.find(kPass) == std::string::npos);
}
