#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <future>
#include <stdexcept>
#include <thread>

#include "scanhook/core/pipeline/commit_wakeup.hpp"

using scanhook::core::CommitWakeup;

TEST_CASE("a commit wake-up reaches no one until the dispatcher is connected", "[commit_wakeup]") {
  CommitWakeup wakeup;
  int wakes = 0;
  wakeup.wake();  // a commit before the dispatcher exists: nothing to wake
  wakeup.connect([&] { ++wakes; });
  wakeup.wake();
  wakeup.wake();
  CHECK(wakes == 2);
  wakeup.disconnect();
  wakeup.wake();
  CHECK(wakes == 2);
}

TEST_CASE("a commit wake-up takes one dispatcher", "[commit_wakeup]") {
  CommitWakeup wakeup;
  wakeup.connect([] {});
  CHECK_THROWS_AS(wakeup.connect([] {}), std::logic_error);
  wakeup.disconnect();
  wakeup.connect([] {});  // after a disconnect, a new one may connect
}

TEST_CASE("disconnect returns only once a wake-up under way has finished", "[commit_wakeup]") {
  CommitWakeup wakeup;
  std::promise<void> entered;
  std::promise<void> release;
  std::atomic<bool> finished{false};
  wakeup.connect([&, release_seen = release.get_future().share()] {
    entered.set_value();
    release_seen.wait();
    finished = true;
  });
  std::thread committer([&] { wakeup.wake(); });
  entered.get_future().wait();
  std::atomic<bool> finished_at_return{false};
  std::thread stopping([&] {
    wakeup.disconnect();
    finished_at_return = finished.load();
  });
  // Let the disconnect reach its wait (if it returned early, it saw finished == false).
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release.set_value();
  stopping.join();
  committer.join();
  CHECK(finished_at_return);
}
