// A one-shot flag that many threads wait on. set() wakes them all with one
// futex call, and a woken waiter returns without re-taking any mutex (a
// condition variable's broadcast makes every waiter queue again on its mutex:
// a second sleep and wake-up per waiter).
#pragma once

#include <atomic>
#include <utility>

namespace scanhook::core {

// Runs `start(done)`, where `done(result)` may be called on any thread (or
// inside start), and returns the result once it is.
template <class Result, class Start>
Result wait_for_callback(Start&& start);

class CompletionFlag {
 public:
  // Returns once set() has been called; what set()'s caller wrote before is visible.
  void wait();
  void set();
  // True once set() has been called; what its caller wrote before is visible.
  bool is_set() const { return state_.load(std::memory_order_acquire) != 0; }

 private:
  std::atomic<int> state_{0};  // the futex word: 1 once set
};

template <class Result, class Start>
Result wait_for_callback(Start&& start) {
  Result result{};
  CompletionFlag received;
  start([&result, &received](Result given) {
    result = std::move(given);
    received.set();
  });
  received.wait();
  return result;
}

}  // namespace scanhook::core
