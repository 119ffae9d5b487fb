// A one-shot flag that many threads wait on. set() wakes one waiter, which
// wakes all the others with one futex call, and a woken waiter returns
// without re-taking any mutex (a condition variable's broadcast makes every
// waiter queue again on its mutex: a second sleep and wake-up per waiter).
#pragma once

#include <atomic>

namespace scanhook::core {

class CompletionFlag {
 public:
  // Returns once set() has been called; what set()'s caller wrote before is visible.
  void wait();
  void set();

 private:
  static constexpr int kUnset = 0;
  static constexpr int kSet = 1;        // set; the other waiters not yet woken
  static constexpr int kBroadcast = 2;  // set, and every waiter woken
  std::atomic<int> state_{kUnset};      // the futex word
};

}  // namespace scanhook::core
