#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>

#include "scanhook/core/pipeline/poller.hpp"
#include "scanhook/flush_on_stop.hpp"
#include "support/manual_time.hpp"

using scanhook::core::Poller;
using scanhook::testing::ManualTime;
using std::chrono::milliseconds;

namespace {

// Counts its polls and answers each with the next delay of its script (then the last one).
class ScriptedPolls : public scanhook::PollingSource {
 public:
  explicit ScriptedPolls(std::deque<milliseconds> delays) : delays_(std::move(delays)) {}
  milliseconds poll() noexcept override {
    std::lock_guard lock(mutex_);
    ++polls_;
    const milliseconds delay = delays_.front();
    if (delays_.size() > 1) delays_.pop_front();
    return delay;
  }
  int polls() const {
    std::lock_guard lock(mutex_);
    return polls_;
  }

 private:
  mutable std::mutex mutex_;
  std::deque<milliseconds> delays_;
  int polls_ = 0;
};

// Also holds changes back: counts its flushes and the polls made before the first.
class FlushedPolls final : public ScriptedPolls, public scanhook::FlushOnStop {
 public:
  using ScriptedPolls::ScriptedPolls;
  void flush() noexcept override {
    if (flushes_++ == 0) polls_at_flush_ = polls();
  }
  int flushes() const { return flushes_; }
  int polls_at_flush() const { return polls_at_flush_; }

 private:
  std::atomic<int> flushes_{0};
  std::atomic<int> polls_at_flush_{-1};
};

}  // namespace

TEST_CASE("a polling source is polled again after the delay it answered, not before", "[poller]") {
  ManualTime clock;
  auto source = std::make_shared<ScriptedPolls>(std::deque{milliseconds(5000), milliseconds(1000)});
  Poller poller("rclone", source, nullptr, clock);
  poller.start();
  REQUIRE(clock.settle(1));
  CHECK(source->polls() == 1);  // at once
  REQUIRE(clock.pass(milliseconds(4999), 1));
  CHECK(source->polls() == 1);
  REQUIRE(clock.pass(milliseconds(1), 1));
  CHECK(source->polls() == 2);
  REQUIRE(clock.pass(milliseconds(999), 1));
  CHECK(source->polls() == 2);
  REQUIRE(clock.pass(milliseconds(1), 1));
  CHECK(source->polls() == 3);
  poller.stop();  // ends the wait at once: no time passes on the clock
  CHECK(source->polls() == 3);
}

TEST_CASE("a source answering no delay is polled again after 10 ms, not in a spin", "[poller]") {
  ManualTime clock;
  auto source = std::make_shared<ScriptedPolls>(std::deque{milliseconds(0)});
  Poller poller("inotify", source, nullptr, clock);
  poller.start();
  REQUIRE(clock.settle(1));
  CHECK(source->polls() == 1);
  REQUIRE(clock.pass(milliseconds(9), 1));
  CHECK(source->polls() == 1);
  REQUIRE(clock.pass(milliseconds(1), 1));
  CHECK(source->polls() == 2);
}

TEST_CASE("an instance that may not poll asks again every 5 s and polls once it may", "[poller]") {
  ManualTime clock;
  auto source = std::make_shared<ScriptedPolls>(std::deque{milliseconds(60'000)});
  std::atomic<bool> may{false};
  std::atomic<int> asked{0};
  Poller poller(
      "rclone", source,
      [&] {
        ++asked;
        return may.load();
      },
      clock);
  poller.start();
  REQUIRE(clock.settle(1));
  CHECK(asked == 1);
  REQUIRE(clock.pass(milliseconds(4999), 1));
  CHECK(asked == 1);
  REQUIRE(clock.pass(milliseconds(1), 1));
  CHECK(asked == 2);
  CHECK(source->polls() == 0);
  may = true;
  REQUIRE(clock.pass(milliseconds(5000), 1));
  CHECK(asked == 3);
  CHECK(source->polls() == 1);
}

TEST_CASE("a source that holds changes back is flushed once at stop, after its last poll",
          "[poller]") {
  ManualTime clock;
  auto source = std::make_shared<FlushedPolls>(std::deque{milliseconds(1000)});
  Poller poller("inotify", source, nullptr, clock);
  poller.start();
  REQUIRE(clock.settle(1));
  REQUIRE(clock.pass(milliseconds(1000), 1));
  CHECK(source->polls() == 2);
  CHECK(source->flushes() == 0);
  poller.stop();
  CHECK(source->flushes() == 1);
  CHECK(source->polls_at_flush() == 2);
  poller.stop();  // again (the destructor does): not flushed twice
  CHECK(source->flushes() == 1);
}

TEST_CASE(
    "an instance that did not poll last does not flush at stop: the poller's lock holder does",
    "[poller]") {
  ManualTime clock;
  auto source = std::make_shared<FlushedPolls>(std::deque{milliseconds(1000)});
  std::atomic<bool> may{true};
  Poller poller(
      "inotify", source, [&] { return may.load(); }, clock);
  poller.start();
  REQUIRE(clock.settle(1));
  CHECK(source->polls() == 1);
  may = false;  // another instance took the lock
  REQUIRE(clock.pass(milliseconds(1000), 1));
  CHECK(source->polls() == 1);
  poller.stop();
  CHECK(source->flushes() == 0);
}
