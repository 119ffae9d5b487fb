#include <catch2/catch.hpp>

#include "scanhook/core/completion_flag.hpp"
#include "scanhook/core/ini_file.hpp"
#include "scanhook/core/plex_autoscan_routes.hpp"
#include "scanhook/core/plugin_catalog.hpp"
#include "support/plugin_harness.hpp"
#include "support/temp_dir.hpp"

using namespace scanhook::core;
using scanhook::HttpReply;
using scanhook::HttpRequest;
using scanhook::ScanEvent;
using scanhook::testing::TempDir;

namespace {

const std::string kPass = "0c1fa3c9867e48b1bb3aa055cb86";

// Routes whose deliveries and manual scans are recorded instead of run.
struct RoutesRig {
  explicit RoutesRig(PlexAutoscanSettings settings = {kPass, "sonarr", "radarr4k", "lidarr"})
      : routes(
            std::move(settings),
            [this](const std::string& source, const HttpRequest& request) {
              delivered.push_back(source + " " + request.method + " " + request.path + " " +
                                  request.body);
              return HttpReply{200, "application/json", "{\"from\":\"" + source + "\"}", {}};
            },
            [this](const ScanEvent& event) {
              manual.push_back((event.is_file ? "file " : "folder ") + event.path);
              return HttpReply{200, "application/json", "{\"queued\":1}", {}};
            },
            &auth) {}

  HttpReply post(const std::string& body, const std::string& content_type = "application/json") {
    HttpRequest request{"POST", "/" + kPass, {}, {{"Content-Type", content_type}},
                        body,   "127.0.0.1"};
    return routes.post(request);
  }

  std::vector<std::string> delivered;
  std::vector<std::string> manual;
  UserAuth auth{"", ""};
  PlexAutoscanRoutes routes;
};

// A validated configuration on the real sonarr, radarr and lidarr plugins.
struct ConfigRig {
  explicit ConfigRig(const std::string& ini) {
    const auto plugins = dir.path() / "plugins";
    std::filesystem::create_directories(plugins);
    for (const char* name : {"sonarr", "radarr", "lidarr"})
      std::filesystem::copy_file(scanhook::testing::plugin_file(name),
                                 plugins / (std::string(name) + ".so"));
    catalog = std::make_unique<PluginCatalog>(PluginCatalog::scan(plugins));
    config = std::make_unique<Config>(validate_config(parse_ini(ini, "test.ini"), *catalog));
  }
  TempDir dir;
  std::unique_ptr<PluginCatalog> catalog;
  std::unique_ptr<Config> config;
};

}  // namespace

TEST_CASE("plex_autoscan: each app's payload goes to its source, as if sent to its own route",
          "[plex_autoscan]") {
  RoutesRig rig;
  const std::string sonarr = R"({"eventType":"Download","series":{"path":"/tv/Show"}})";
  const std::string radarr = R"({"movie":{"folderPath":"/movies/M"},"eventType":"Download"})";
  const std::string lidarr = R"({"eventType":"Download","artist":{"path":"/music/A"}})";
  CHECK(rig.post(sonarr).body == R"({"from":"sonarr"})");
  CHECK(rig.post(radarr).body == R"({"from":"radarr4k"})");
  CHECK(rig.post(lidarr, "application/json; charset=utf-8").body == R"({"from":"lidarr"})");
  CHECK(rig.delivered == std::vector<std::string>{"sonarr POST /triggers/sonarr " + sonarr,
                                                  "radarr4k POST /triggers/radarr4k " + radarr,
                                                  "lidarr POST /triggers/lidarr " + lidarr});
  CHECK(rig.manual.empty());
}

TEST_CASE("plex_autoscan: a shape with no source, an unknown shape or bad JSON is a 400",
          "[plex_autoscan]") {
  RoutesRig rig({kPass, "sonarr", "", ""});
  const auto no_radarr = rig.post(R"({"eventType":"Download","movie":{}})");
  CHECK(no_radarr.status == 400);
  CHECK(no_radarr.body ==
        R"({"error":"a Radarr webhook (it has \"movie\"), but no radarr source is configured: )"
        R"(add [source.radarr] or set [server] plex_autoscan_radarr"})");
  const auto readarr = rig.post(R"({"eventType":"Download","author":{"path":"/books/A"}})");
  CHECK(readarr.status == 400);
  CHECK(readarr.body ==
        R"({"error":"not a Sonarr, Radarr or Lidarr webhook (it has no \"series\", \"movie\" or )"
        R"x(\"artist\") nor a Manual scan (eventType=Manual with a filepath)"})x");
  const auto broken = rig.post(R"({"eventType":"Download","series":)");
  CHECK(broken.status == 400);
  CHECK_THAT(broken.body, Catch::Matchers::StartsWith(R"({"error":"the body is not valid JSON: )"));
  const auto array = rig.post(R"([{"series":{}}])");
  CHECK(array.status == 400);
  CHECK(array.body == R"({"error":"the body must be a JSON object"})");
  CHECK(rig.delivered.empty());
  CHECK(rig.manual.empty());
}

TEST_CASE("plex_autoscan: a bare Test is answered 200 and queues nothing", "[plex_autoscan]") {
  RoutesRig rig;
  for (const std::string body : {R"({"eventType":"Test"})", R"({"EventType":"Test"})"}) {
    const auto reply = rig.post(body);
    CHECK(reply.status == 200);
    CHECK(reply.body == R"({"message":"Test: nothing to scan","queued":0})");
  }
  CHECK(rig.delivered.empty());
  CHECK(rig.manual.empty());
}

TEST_CASE("plex_autoscan: the manual form posts eventType=Manual and a filepath",
          "[plex_autoscan]") {
  RoutesRig rig;
  const auto form = PlexAutoscanRoutes::form();
  CHECK(form.status == 200);
  CHECK(form.content_type == "text/html; charset=utf-8");
  CHECK_THAT(form.body, Catch::Matchers::Contains(R"(<form method="post" action="">)") &&
                            Catch::Matchers::Contains(R"(name="filepath")") &&
                            Catch::Matchers::Contains(R"(name="eventType" value="Manual")"));

  const std::string urlencoded = "application/x-www-form-urlencoded";
  CHECK(rig.post("filepath=%2Fmnt%2Funionfs%2FMedia%2FMovies%2FShut+In+%282016%29%2FShut+In+%"
                 "282016%29+-+Bluray-1080p.mkv&eventType=Manual",
                 urlencoded)
            .body == R"({"queued":1})");
  rig.post("eventType=Manual&filepath=/mnt/unionfs/Media/TV/Show/Season+1/", urlencoded);
  rig.post(R"({"eventType":"Manual","filepath":"/mnt/unionfs/Media/Music/Artist"})");
  CHECK(rig.manual ==
        std::vector<std::string>{
            "file /mnt/unionfs/Media/Movies/Shut In (2016)/Shut In (2016) - Bluray-1080p.mkv",
            "folder /mnt/unionfs/Media/TV/Show/Season 1/",
            "folder /mnt/unionfs/Media/Music/Artist"});

  const auto no_path = rig.post("eventType=Manual&filepath=", urlencoded);
  CHECK(no_path.status == 400);
  CHECK(no_path.body == R"({"error":"a Manual scan needs a filepath"})");
  CHECK(rig.post(R"({"eventType":"Manual"})").body ==
        R"({"error":"a Manual scan needs a filepath"})");
  const auto not_manual = rig.post("eventType=Download&filepath=/tv/x", urlencoded);
  CHECK(not_manual.status == 400);
  CHECK(not_manual.body == R"({"error":"a form must be eventType=Manual with a filepath"})");
  const auto bad_escape = rig.post("eventType=Manual&filepath=%zz", urlencoded);
  CHECK(bad_escape.status == 400);
  CHECK_THAT(bad_escape.body, Catch::Contains("the form body is not valid URL encoding"));
  CHECK(rig.manual.size() == 3);
  CHECK(rig.delivered.empty());
}

TEST_CASE("plex_autoscan: a manual path names a file only when it ends in an extension",
          "[plex_autoscan]") {
  for (const char* file : {"/m/Film (2016)/Film (2016).mkv", "/m/a.m2ts", "/tv/x.ts", "/b/c.azw3",
                           "D:\\TV\\Show\\e01.mkv"}) {
    INFO(file);
    CHECK(manual_path_is_file(file));
  }
  for (const char* folder :
       {"/m/Film (2016)", "/m/Film (2016)/", "/tv/S.W.A.T", "/tv/Vol.10", "/tv/Mr. Robot",
        "/tv/Dr. Who (2005)", "/tv/.hidden", "/tv/x.mkv/", "/m/a.toolong"}) {
    INFO(folder);
    CHECK_FALSE(manual_path_is_file(folder));
  }
}

TEST_CASE("plex_autoscan: the routes exist only with a pass, and only at the pass",
          "[plex_autoscan]") {
  Router none;
  RoutesRig({"", "sonarr", "", ""}).routes.register_routes(none);
  CHECK(none.find("POST", "/anything").route == nullptr);

  RoutesRig rig;
  Router router;
  router.add("GET", "/health", Access::open,
             [](const HttpRequest&, const RouteParams&) { return HttpReply{}; });
  rig.routes.register_routes(router);
  const auto post = router.find("POST", "/" + kPass);
  REQUIRE(post.route != nullptr);
  CHECK(post.route->access == Access::webhook);
  CHECK(post.redacted_path == "/{secret}");
  CHECK(post.params.empty());
  CHECK(router.find("GET", "/" + kPass + "/").route->method == "GET");
  CHECK(router.find("GET", "/health").route->pattern == "/health");
  CHECK(router.find("GET", "/health").redacted_path.empty());
  // A wrong pass reaches the route that counts it, and is not logged (it may be a near miss).
  for (const std::string& wrong :
       std::vector<std::string>{kPass.substr(1), kPass + "0", "1" + kPass.substr(1)}) {
    INFO(wrong);
    const auto lookup = router.find("POST", "/" + wrong);
    REQUIRE(lookup.route != nullptr);
    CHECK(lookup.route->secret_miss);
    CHECK(lookup.allowed_methods.empty());
    CHECK(lookup.redacted_path == "/{secret} (a wrong secret)");
  }
  CHECK(router.find("POST", "/").route == nullptr);
  // Neither a wrong method nor a longer path shows the pass in the logs.
  const auto put = router.find("PUT", "/" + kPass);
  CHECK(put.route == nullptr);
  CHECK(put.allowed_methods == std::vector<std::string>{"GET", "POST"});
  CHECK(put.redacted_path == "/{secret}");
  const auto longer = router.find("POST", "/" + kPass + "/x");
  CHECK(longer.route == nullptr);
  CHECK(longer.redacted_path == "/{secret}/...");
}

TEST_CASE("plex_autoscan: each shape goes to the named source, else the first of its plugin",
          "[plex_autoscan]") {
  const std::string sources =
      "[source.sonarr4k]\nplugin = sonarr\n[source.sonarr]\n[source.movies]\nplugin = radarr\n";
  const ConfigRig defaults("[server]\nplex_autoscan_pass = " + kPass + "\n" + sources);
  const auto settings = plex_autoscan_settings(*defaults.config);
  CHECK(settings.pass == kPass);
  CHECK(settings.sonarr == "sonarr4k");
  CHECK(settings.radarr == "movies");
  CHECK(settings.lidarr.empty());

  const ConfigRig named("[server]\nplex_autoscan_pass = " + kPass +
                        "\nplex_autoscan_sonarr = sonarr\nplex_autoscan_lidarr = movies\n" +
                        sources);
  const auto chosen = plex_autoscan_settings(*named.config);
  CHECK(chosen.sonarr == "sonarr");
  CHECK(chosen.lidarr == "movies");

  const ConfigRig off(sources);
  CHECK(plex_autoscan_settings(*off.config).pass.empty());
}

TEST_CASE("plex_autoscan: a bad pass or an unknown source is refused without showing the pass",
          "[plex_autoscan]") {
  const ConfigRig missing("[server]\nplex_autoscan_pass = " + kPass +
                          "\nplex_autoscan_radarr = radar\n[source.radarr]\n");
  CHECK_THROWS_WITH(plex_autoscan_settings(*missing.config),
                    "[server] plex_autoscan_radarr: there is no webhook source [source.radar]");
  for (const std::string pass :
       {"short7c", "has/a/slash/in/it", "with space inside", "pct%2Fenc"}) {
    INFO(pass);
    const ConfigRig bad("[server]\nplex_autoscan_pass = " + pass + "\n");
    CHECK_THROWS_WITH(plex_autoscan_settings(*bad.config),
                      "[server] plex_autoscan_pass: it is a URL path segment, so use 8 or more of "
                      "the characters A-Z a-z 0-9 - . _ ~");
  }
}

namespace {

HttpReply call(const Router& router, const std::string& method, const std::string& path,
               const std::string& remote) {
  const auto lookup = router.find(method, path);
  REQUIRE(lookup.route != nullptr);
  HttpRequest request{method, path, {}, {}, "", remote};
  return scanhook::core::wait_for_callback<HttpReply>([&](auto done) {
    lookup.route->handler(request, lookup.params, scanhook::core::Respond(std::move(done)));
  });
}

}  // namespace

TEST_CASE("plex_autoscan: wrong passes are limited per address, then the right one is refused too",
          "[plex_autoscan][limits]") {
  RoutesRig rig;
  Router router;
  rig.routes.register_routes(router);
  for (int i = 0; i < 5; ++i) {
    const auto wrong = call(router, "POST", "/guess" + std::to_string(i), "192.0.2.7:1000");
    CHECK(wrong.status == 404);
    CHECK(wrong.body == "{\"error\":\"no such route: /guess" + std::to_string(i) + "\"}");
  }
  const auto limited = call(router, "GET", "/" + kPass, "192.0.2.7:1001");
  CHECK(limited.status == 429);
  CHECK_THAT(limited.body, Catch::Matchers::Contains("too many wrong credentials"));
  CHECK(call(router, "GET", "/another-guess", "192.0.2.7:1002").status == 429);
  CHECK(call(router, "GET", "/" + kPass, "192.0.2.8:1000").status == 200);
}
