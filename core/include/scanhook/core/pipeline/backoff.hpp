// How long a folder waits before its next attempt after a `retry` answer.
#pragma once

#include <chrono>

namespace scanhook::core {

struct BackoffPolicy {
  std::chrono::milliseconds initial{30'000};
  std::chrono::milliseconds max{3'600'000};
};

// `attempt` counts the failures so far (1 for the first). Without a
// retry_after: initial × 2^(attempt-1), capped at max, then "equal jitter"
// (a uniform pick in its upper half, `jitter` in [0, 1)) so targets that failed
// together do not retry together. A retry_after from the target is honoured
// as given, capped at max.
std::chrono::milliseconds retry_delay(const BackoffPolicy& policy, int attempt,
                                      std::chrono::seconds retry_after, double jitter);

}  // namespace scanhook::core
