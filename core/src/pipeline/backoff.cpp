#include "scanhook/core/pipeline/backoff.hpp"

#include <algorithm>

namespace scanhook::core {

std::chrono::milliseconds retry_delay(const BackoffPolicy& policy, int attempt,
                                      std::chrono::seconds retry_after, double jitter) {
  using std::chrono::milliseconds;
  if (retry_after.count() > 0)
    return std::min<milliseconds>(std::chrono::duration_cast<milliseconds>(retry_after),
                                  policy.max);
  std::int64_t delay = std::max<std::int64_t>(policy.initial.count(), 1);
  for (int i = 1; i < attempt && delay < policy.max.count(); ++i) delay *= 2;
  delay = std::min<std::int64_t>(delay, policy.max.count());
  const double fraction = 0.5 + 0.5 * std::clamp(jitter, 0.0, 1.0);
  return milliseconds(static_cast<std::int64_t>(static_cast<double>(delay) * fraction));
}

}  // namespace scanhook::core
