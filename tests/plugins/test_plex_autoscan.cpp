// The plex_autoscan source plugin: which source each app's payload is
// forwarded to, what it answers itself (Test, Manual, errors) and its form.
#include <catch2/catch.hpp>

#include "scanhook/forwarding_source.hpp"
#include "scanhook/webhook_source.hpp"
#include "support/arr_webhook.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using Catch::Matchers::Contains;
using scanhook::ForwardingSource;
using scanhook::HttpRequest;
using scanhook::WebhookSource;
using scanhook::core::Role;
using scanhook::testing::describe;
using scanhook::testing::IniLines;
using scanhook::testing::make;
using scanhook::testing::read_test_data;
using scanhook::testing::RecordingHost;

namespace {

const std::string kUrlencoded = "application/x-www-form-urlencoded";

HttpRequest post(const std::string& body, const std::string& content_type = "application/json") {
  return {"POST",     "/triggers/plex_autoscan", {}, {{"Content-Type", content_type}}, body,
          "127.0.0.1"};
}

struct AutoscanRig {
  explicit AutoscanRig(const IniLines& lines = {})
      : source(make<WebhookSource>("plex_autoscan", Role::source, lines, host)),
        // The core finds the SDK 1.2 side the same way, across the .so boundary.
        forwarding(dynamic_cast<ForwardingSource*>(source.get())) {}

  std::string forward(const std::string& body, const std::string& type = "application/json") {
    REQUIRE(forwarding != nullptr);
    return forwarding->forward_to(post(body, type));
  }

  RecordingHost host;
  std::shared_ptr<WebhookSource> source;
  ForwardingSource* forwarding;
};

}  // namespace

TEST_CASE("plex_autoscan: each app's payload is forwarded to the source of that app",
          "[plex_autoscan]") {
  AutoscanRig defaults;
  CHECK(defaults.forward(read_test_data("sonarr/v4/download.json")) == "sonarr");
  CHECK(defaults.forward(read_test_data("sonarr/v4/test.json")) == "sonarr");
  CHECK(defaults.forward(read_test_data("radarr/v6/download.json")) == "radarr");
  CHECK(defaults.forward(read_test_data("lidarr/v1.0/retag.json")) == "lidarr");

  AutoscanRig named({{"sonarr", "tv4k"}, {"radarr", "movies"}, {"lidarr", ""}});
  CHECK(named.forward(read_test_data("sonarr/v4/download.json")) == "tv4k");
  CHECK(named.forward(read_test_data("radarr/v6/download_windows.json")) == "movies");
  // No source for Lidarr payloads: answered here, with a 400 that says what to set.
  CHECK(named.forward(read_test_data("lidarr/v1.0/retag.json")).empty());
  const auto lidarr = named.source->handle(post(read_test_data("lidarr/v1.0/retag.json")));
  CHECK(lidarr.status == 400);
  CHECK(lidarr.message ==
        "a Lidarr webhook (it has \"artist\"), but [source.plex_autoscan] lidarr is empty: name "
        "the lidarr source that should take it");
  CHECK(named.host.submitted().empty());
}

TEST_CASE("plex_autoscan: what it answers itself is never forwarded", "[plex_autoscan]") {
  AutoscanRig rig;
  for (const std::string body :
       {read_test_data("readarr/v0.3/download.json"), std::string(R"({"eventType":"Test"})"),
        std::string(R"({"eventType":"Download","series":)"), std::string(R"([{"series":{}}])")}) {
    INFO(body);
    CHECK(rig.forward(body).empty());
  }
  CHECK(rig.forward("eventType=Manual&filepath=%2Ftv", kUrlencoded).empty());
  // A form field named like a shape is still a form.
  CHECK(rig.forward("series=x&eventType=Manual&filepath=%2Ftv", kUrlencoded).empty());
}

TEST_CASE("plex_autoscan: an unknown shape or bad JSON is a 400, and bad JSON is kept for replay",
          "[plex_autoscan]") {
  AutoscanRig rig;
  const auto readarr = rig.source->handle(post(read_test_data("readarr/v0.3/download.json")));
  CHECK(readarr.status == 400);
  CHECK_FALSE(readarr.keep_as_dead_letter);
  CHECK(readarr.message ==
        "not a Sonarr, Radarr or Lidarr webhook (it has no \"series\", \"movie\" or \"artist\") "
        "nor a Manual scan (eventType=Manual with a filepath)");
  const auto broken = rig.source->handle(post(R"({"eventType":"Download","series":)"));
  CHECK(broken.status == 400);
  CHECK(broken.keep_as_dead_letter);
  CHECK_THAT(broken.message, Catch::Matchers::StartsWith("the body is not valid JSON: "));
  const auto array = rig.source->handle(post(R"([{"series":{}}])"));
  CHECK(array.status == 400);
  CHECK(array.message == "the body must be a JSON object");
  CHECK(rig.host.submitted().empty());
}

TEST_CASE("plex_autoscan: a bare Test is answered 200 and queues nothing", "[plex_autoscan]") {
  AutoscanRig rig;
  for (const std::string body : {R"({"eventType":"Test"})", R"({"EventType":"Test"})"}) {
    const auto outcome = rig.source->handle(post(body));
    CHECK(outcome.status == 200);
    CHECK(outcome.message == "Test: nothing to scan");
    CHECK(outcome.events.empty());
  }
}

TEST_CASE("plex_autoscan: the manual form posts eventType=Manual and a filepath",
          "[plex_autoscan]") {
  AutoscanRig rig;
  const auto form = rig.forwarding->page(HttpRequest{"GET", "/", {}, {}, "", "127.0.0.1"});
  CHECK(form.status == 200);
  CHECK(form.content_type == "text/html; charset=utf-8");
  CHECK_THAT(form.body, Contains(R"(<form method="post" action="">)") &&
                            Contains(R"(name="filepath")") &&
                            Contains(R"(name="eventType" value="Manual")"));

  std::vector<std::string> queued;
  for (const auto& [body, type] : std::vector<std::pair<std::string, std::string>>{
           {"filepath=%2Fmnt%2Funionfs%2FMedia%2FMovies%2FShut+In+%282016%29%2FShut+In+%"
            "282016%29+-+Bluray-1080p.mkv&eventType=Manual",
            kUrlencoded},
           {"eventType=Manual&filepath=/mnt/unionfs/Media/TV/Show/Season+1/", kUrlencoded},
           {R"({"eventType":"Manual","filepath":"/mnt/unionfs/Media/Music/Artist"})",
            "application/json"}}) {
    INFO(body);
    const auto outcome = rig.source->handle(post(body, type));
    CHECK(outcome.status == 200);
    for (const auto& line : describe(outcome.events)) queued.push_back(line);
  }
  CHECK(queued == std::vector<std::string>{"modified file /mnt/unionfs/Media/Movies/Shut In "
                                           "(2016)/Shut In (2016) - Bluray-1080p.mkv",
                                           "modified folder /mnt/unionfs/Media/TV/Show/Season 1/",
                                           "modified folder /mnt/unionfs/Media/Music/Artist"});

  const auto no_path = rig.source->handle(post("eventType=Manual&filepath=", kUrlencoded));
  CHECK(no_path.status == 400);
  CHECK(no_path.message == "a Manual scan needs a filepath");
  CHECK(rig.source->handle(post(R"({"eventType":"Manual"})")).message ==
        "a Manual scan needs a filepath");
  const auto not_manual =
      rig.source->handle(post("eventType=Download&filepath=/tv/x", kUrlencoded));
  CHECK(not_manual.status == 400);
  CHECK(not_manual.message == "a form must be eventType=Manual with a filepath");
  const auto bad_escape = rig.source->handle(post("eventType=Manual&filepath=%zz", kUrlencoded));
  CHECK(bad_escape.status == 400);
  CHECK_THAT(bad_escape.message, Contains("unreadable form body"));
}

TEST_CASE("plex_autoscan: a manual path names a file only when it ends in an extension",
          "[plex_autoscan]") {
  AutoscanRig rig;
  const auto is_file = [&](const std::string& path) {
    const auto outcome = rig.source->handle(
        post(R"({"eventType":"Manual","filepath":)" + scanhook::json_quote(path) + "}"));
    REQUIRE(outcome.events.size() == 1);
    return outcome.events[0].is_file;
  };
  for (const char* file : {"/m/Film (2016)/Film (2016).mkv", "/m/a.m2ts", "/tv/x.ts", "/b/c.azw3",
                           "D:\\TV\\Show\\e01.mkv"}) {
    INFO(file);
    CHECK(is_file(file));
  }
  for (const char* folder :
       {"/m/Film (2016)", "/m/Film (2016)/", "/tv/S.W.A.T", "/tv/Vol.10", "/tv/Mr. Robot",
        "/tv/Dr. Who (2005)", "/tv/.hidden", "/tv/x.mkv/", "/m/a.toolong"}) {
    INFO(folder);
    CHECK_FALSE(is_file(folder));
  }
}
