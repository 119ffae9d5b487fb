// Time as the core's timed parts see it (the dispatcher's back-off, probes and
// idle waits, the pollers, the history pruner, sessions and the login rate
// limiter): read it and wait on it through a TimeSource, never the std clocks
// directly, so a test can hand them a clock it advances by hand
// (tests/support/manual_time.hpp) instead of sleeping. Production uses
// real_time(). After Envoy's TimeSource (envoy/common/time.h).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>

namespace scanhook::core {

class TimeSource {
 public:
  using SteadyTime = std::chrono::steady_clock::time_point;
  using SystemTime = std::chrono::system_clock::time_point;

  virtual ~TimeSource() = default;

  // For intervals and deadlines: never goes back.
  virtual SteadyTime steady_now() const = 0;
  // Wall time, for what is stored or shown (history rows, due times).
  virtual SystemTime system_now() const = 0;
  // system_now() in milliseconds since the Unix epoch (the queue's Millis).
  std::int64_t millis() const {
    return std::chrono::duration_cast<std::chrono::milliseconds>(system_now().time_since_epoch())
        .count();
  }

  // With `lock` held, waits on `changed` until `done()` holds or this clock
  // reaches `deadline`; returns done(). `done` runs with `lock` held and must
  // not call the clock. Whoever changes what `done` reads notifies `changed`.
  virtual bool wait_until(std::condition_variable_any& changed, std::unique_lock<std::mutex>& lock,
                          SteadyTime deadline, const std::function<bool()>& done) = 0;
  bool wait_for(std::condition_variable_any& changed, std::unique_lock<std::mutex>& lock,
                std::chrono::milliseconds duration, const std::function<bool()>& done) {
    return wait_until(changed, lock, steady_now() + duration, done);
  }
};

// The real clocks (std::chrono::steady_clock and system_clock).
class RealTime final : public TimeSource {
 public:
  SteadyTime steady_now() const override { return std::chrono::steady_clock::now(); }
  SystemTime system_now() const override { return std::chrono::system_clock::now(); }
  bool wait_until(std::condition_variable_any& changed, std::unique_lock<std::mutex>& lock,
                  SteadyTime deadline, const std::function<bool()>& done) override {
    return changed.wait_until(lock, deadline, done);
  }
};

// The process's one real clock, the default of every timed part.
inline TimeSource& real_time() {
  static RealTime clock;
  return clock;
}

}  // namespace scanhook::core
