// Drives the *arr webhook sources in tests: requests as the apps send them,
// scan events as readable lines ("created file /tv/Show/x.mkv") so a failing
// comparison shows exactly what differed, and the table checks every app shares.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "scanhook/http.hpp"
#include "scanhook/scan_event.hpp"
#include "scanhook/webhook_source.hpp"
#include "support/plugin_harness.hpp"

namespace scanhook::testing {

inline WebhookOutcome arr_post(WebhookSource& source, const std::string& body,
                               const std::string& user_agent, const std::string& method = "POST") {
  HttpRequest request;
  request.method = method;
  request.path = "/";
  request.headers = {{"Content-Type", "application/json"}, {"User-Agent", user_agent}};
  request.body = body;
  request.remote_address = "127.0.0.1";
  return source.handle(request);
}

inline std::vector<std::string> describe(const std::vector<ScanEvent>& events) {
  std::vector<std::string> lines;
  for (const auto& event : events)
    lines.push_back(std::string(event_kind_name(event.kind)) +
                    (event.is_file ? " file " : " folder ") + event.path);
  return lines;
}

// A fixture in tests/data/<app>/ and what the source must answer.
struct AcceptedCase {
  std::string fixture;
  std::vector<std::string> events;
  std::string message;
};
struct IgnoredCase {
  std::string fixture;
  std::string message;
};
// An inline body and the error answer it must get.
struct RejectedCase {
  std::string body;
  int status;
  std::string message;
};

inline void check_accepted(WebhookSource& source, const std::string& app,
                           const std::string& user_agent, const std::vector<AcceptedCase>& cases) {
  for (const auto& expected : cases) {
    INFO(app + "/" + expected.fixture);
    const auto outcome = arr_post(source, read_test_data(app + "/" + expected.fixture), user_agent);
    CHECK(outcome.status == 200);
    CHECK(outcome.message == expected.message);
    CHECK(describe(outcome.events) == expected.events);
    CHECK_FALSE(outcome.keep_as_dead_letter);
  }
}

inline void check_ignored(WebhookSource& source, const std::string& app,
                          const std::string& user_agent, const std::vector<IgnoredCase>& cases) {
  for (const auto& expected : cases) {
    INFO(app + "/" + expected.fixture);
    const auto outcome = arr_post(source, read_test_data(app + "/" + expected.fixture), user_agent);
    CHECK(outcome.status == 200);
    CHECK(outcome.message == expected.message);
    CHECK(outcome.events.empty());
    CHECK_FALSE(outcome.keep_as_dead_letter);
  }
}

// Every 400 keeps the body as a dead letter; other statuses do not.
inline void check_rejected(WebhookSource& source, const std::string& user_agent,
                           const std::vector<RejectedCase>& cases) {
  for (const auto& expected : cases) {
    INFO(expected.body);
    const auto outcome = arr_post(source, expected.body, user_agent);
    CHECK(outcome.status == expected.status);
    CHECK(outcome.message == expected.message);
    CHECK(outcome.events.empty());
    CHECK(outcome.keep_as_dead_letter == (expected.status == 400));
  }
}

}  // namespace scanhook::testing
