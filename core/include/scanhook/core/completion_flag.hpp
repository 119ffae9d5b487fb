// A one-shot flag that many threads wait on. set() wakes them all with one
// futex call, and a woken waiter returns without re-taking any mutex (a
// condition variable's broadcast makes every waiter queue again on its mutex:
// a second sleep and wake-up per waiter).
#pragma once

#include <atomic>

namespace scanhook::core {

class CompletionFlag {
 public:
  // Returns once set() has been called; what set()'s caller wrote before is visible.
  void wait();
  void set();

 private:
  std::atomic<int> state_{0};  // the futex word: 1 once set
};

}  // namespace scanhook::core
