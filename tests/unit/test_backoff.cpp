#include <catch2/catch.hpp>

#include "scanhook/core/pipeline/backoff.hpp"

using namespace scanhook::core;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST_CASE("retry delays double from the initial delay and are capped", "[backoff]") {
  const BackoffPolicy policy{milliseconds(1000), milliseconds(10'000)};
  // jitter 0.999.. gives (almost) the full delay, 0 gives half of it.
  CHECK(retry_delay(policy, 1, seconds(0), 0.0) == milliseconds(500));
  CHECK(retry_delay(policy, 1, seconds(0), 1.0) == milliseconds(1000));
  CHECK(retry_delay(policy, 2, seconds(0), 1.0) == milliseconds(2000));
  CHECK(retry_delay(policy, 3, seconds(0), 1.0) == milliseconds(4000));
  CHECK(retry_delay(policy, 4, seconds(0), 1.0) == milliseconds(8000));
  CHECK(retry_delay(policy, 5, seconds(0), 1.0) == milliseconds(10'000));
  CHECK(retry_delay(policy, 500, seconds(0), 1.0) == milliseconds(10'000));
  CHECK(retry_delay(policy, 3, seconds(0), 0.5) == milliseconds(3000));
}

TEST_CASE("a target's retry_after is honoured as given, capped at the maximum", "[backoff]") {
  const BackoffPolicy policy{milliseconds(1000), milliseconds(60'000)};
  CHECK(retry_delay(policy, 1, seconds(7), 0.0) == milliseconds(7000));
  CHECK(retry_delay(policy, 9, seconds(7), 0.9) == milliseconds(7000));
  CHECK(retry_delay(policy, 1, seconds(3600), 0.0) == milliseconds(60'000));
}
