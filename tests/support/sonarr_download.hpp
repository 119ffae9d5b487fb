// Posts tests/data/sonarr/v4/download.json to a running scanhookd's
// /triggers/sonarr, as Sonarr does after an import: it must be queued.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "support/daemon_client.hpp"
#include "support/plugin_harness.hpp"

namespace scanhook::testing {

inline void post_sonarr_download(const DaemonClient& client, const std::string& token) {
  const auto answer = client.post("/triggers/sonarr?token=" + token,
                                  read_test_data("sonarr/v4/download.json"), "application/json");
  REQUIRE(answer.status == 200);
  CHECK_THAT(answer.body, Catch::Matchers::Contains("\"queued\":1"));
}

}  // namespace scanhook::testing
