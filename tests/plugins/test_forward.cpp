// The forward plugin on its own: its configuration and the request explain
// shows for each receiver.
#include <catch2/catch.hpp>

#include "scanhook/target.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using Catch::Matchers::Contains;
using scanhook::core::Role;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;

TEST_CASE("forward to a scanhook explains a POST /api/scan with the folder in a JSON body",
          "[forward]") {
  RecordingHost host;
  auto target = make<scanhook::Target>(
      "forward", Role::target,
      {{"url", "http://home:3030"}, {"username", "seedbox"}, {"password", "pw"}}, host);
  const auto explained =
      target->explain({"/data/tv/\"Quoted\" Show", scanhook::EventKind::created, 0});
  REQUIRE(explained.requests.size() == 1);
  CHECK(explained.requests[0].method == "POST");
  CHECK(explained.requests[0].url == "http://home:3030/api/scan");
  CHECK(explained.requests[0].body == R"({"paths":["/data/tv/\"Quoted\" Show"]})");
}

TEST_CASE("forward to an autoscan explains its manual trigger with the folder in the query",
          "[forward]") {
  RecordingHost host;
  auto target = make<scanhook::Target>(
      "forward", Role::target, {{"url", "http://autoscan:3030"}, {"receiver", "autoscan"}}, host);
  const auto explained = target->explain({"/data/tv/Andor & Co", scanhook::EventKind::created, 0});
  REQUIRE(explained.requests.size() == 1);
  CHECK(explained.requests[0].url ==
        "http://autoscan:3030/triggers/manual?dir=%2Fdata%2Ftv%2FAndor%20%26%20Co");
  CHECK(explained.requests[0].body.empty());
}

TEST_CASE("forward refuses an unknown receiver and a url with a query", "[forward]") {
  RecordingHost host;
  CHECK_THROWS_WITH(
      make<scanhook::Target>("forward", Role::target,
                             {{"url", "http://home:3030"}, {"receiver", "plex"}}, host),
      Contains("receiver: must be scanhook or autoscan, not \"plex\""));
  CHECK_THROWS_WITH(
      make<scanhook::Target>("forward", Role::target, {{"url", "http://home:3030/?x=1"}}, host),
      Contains("without ?query"));
}
