#include <catch2/catch.hpp>

#include <atomic>
#include <thread>
#include <vector>

#include "scanhook/core/pipeline/completion_flag.hpp"

using scanhook::core::CompletionFlag;

TEST_CASE("set() wakes every waiter once, and they see what was written before it", "[ingest]") {
  CompletionFlag flag;
  int written = 0;  // plain int: set()/wait() must order it
  std::atomic<int> seen{0};
  std::atomic<int> returned{0};
  std::vector<std::thread> waiters;
  for (int i = 0; i < 16; ++i)
    waiters.emplace_back([&] {
      flag.wait();
      seen += written;
      ++returned;
    });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let most of them sleep
  CHECK(returned == 0);
  written = 7;
  flag.set();
  for (auto& waiter : waiters) waiter.join();
  CHECK(returned == 16);
  CHECK(seen == 16 * 7);
  // A waiter that comes after set() does not sleep.
  std::thread late([&] {
    flag.wait();
    ++returned;
  });
  late.join();
  CHECK(returned == 17);
}
