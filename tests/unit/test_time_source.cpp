#include <catch2/catch.hpp>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "scanhook/core/time_source.hpp"
#include "support/manual_time.hpp"

using scanhook::core::real_time;
using scanhook::testing::ManualTime;
using std::chrono::milliseconds;

namespace {

// One thread waiting on a clock for `duration` or until `done` is set.
struct Sleeper {
  Sleeper(scanhook::core::TimeSource& clock, milliseconds duration)
      : thread([this, &clock, duration] {
          std::unique_lock lock(mutex);
          woke_done = clock.wait_for(changed, lock, duration, [this] { return done; });
          finished = true;
        }) {}
  ~Sleeper() {
    finish();
    if (thread.joinable()) thread.join();
  }
  void finish() {
    {
      std::lock_guard lock(mutex);
      done = true;
    }
    changed.notify_all();
  }
  bool has_finished() {
    std::lock_guard lock(mutex);
    return finished;
  }

  std::mutex mutex;
  std::condition_variable_any changed;
  bool done = false;
  bool finished = false;
  bool woke_done = false;
  std::thread thread;
};

}  // namespace

TEST_CASE("a wait on the manual clock ends when the clock reaches its deadline, not before",
          "[clock]") {
  ManualTime clock;
  Sleeper sleeper(clock, milliseconds(100));
  REQUIRE(clock.settle(1));
  REQUIRE(clock.pass(milliseconds(99), 1));
  CHECK_FALSE(sleeper.has_finished());
  REQUIRE(clock.pass(milliseconds(1), 0));
  sleeper.thread.join();
  CHECK(sleeper.finished);
  CHECK_FALSE(sleeper.woke_done);  // the deadline, not the condition
}

TEST_CASE("a notification ends a wait on the manual clock with no time passing", "[clock]") {
  ManualTime clock;
  const auto start = clock.steady_now();
  Sleeper sleeper(clock, std::chrono::hours(1));
  REQUIRE(clock.settle(1));
  sleeper.finish();
  sleeper.thread.join();
  CHECK(sleeper.woke_done);
  CHECK(clock.steady_now() == start);
}

TEST_CASE("settle says when the threads do not come back to wait", "[clock]") {
  ManualTime clock;
  CHECK_FALSE(clock.settle(1, milliseconds(50)));
  const auto millis = clock.millis();
  clock.advance(milliseconds(1500));
  CHECK(clock.millis() == millis + 1500);  // wall time moves with the steady time
}

TEST_CASE("the real time source waits in real time and ends early when notified", "[clock]") {
  const auto start = std::chrono::steady_clock::now();
  {
    Sleeper sleeper(real_time(), milliseconds(20));
    sleeper.thread.join();
    CHECK_FALSE(sleeper.woke_done);
    CHECK(std::chrono::steady_clock::now() - start >= milliseconds(20));
  }
  Sleeper sleeper(real_time(), std::chrono::hours(1));
  sleeper.finish();
  sleeper.thread.join();
  CHECK(sleeper.woke_done);
}
