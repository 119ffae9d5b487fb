#include <catch2/catch.hpp>

#include "scanhook/target.hpp"
#include "support/plugin_harness.hpp"
#include "support/recording_host.hpp"

using scanhook::core::Role;
using scanhook::testing::make;
using scanhook::testing::RecordingHost;

TEST_CASE("the log target logs each folder it is asked to scan and answers ok", "[log]") {
  RecordingHost host;
  auto target = make<scanhook::Target>("log", Role::target, {{"prefix", "SCAN"}}, host, "logger");
  const auto results = target->scan({{"/tv/Show/Season 1", scanhook::EventKind::created, 0},
                                     {"/movies/Film (2020)", scanhook::EventKind::deleted, 0}});
  REQUIRE(results.size() == 2);
  CHECK(results[0].status == scanhook::Status::ok);
  CHECK(host.logged("SCAN logger created /tv/Show/Season 1"));
  CHECK(host.logged("SCAN logger deleted /movies/Film (2020)"));
  CHECK(target->stage() == scanhook::Stage::scan);
}

TEST_CASE("the log target refuses a key it does not declare, with a suggestion", "[log]") {
  RecordingHost host;
  CHECK_THROWS_WITH(
      make<scanhook::Target>("log", Role::target, {{"prefx", "x"}}, host),
      Catch::Matchers::Contains("[target.log] prefx: unknown key (did you mean 'prefix'?)"));
}
