#include "scanhook/core/completion_flag.hpp"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <climits>

namespace scanhook::core {

namespace {

static_assert(sizeof(std::atomic<int>) == sizeof(int) && std::atomic<int>::is_always_lock_free,
              "the futex word must be a plain int");

int* word_of(std::atomic<int>& state) {
  return reinterpret_cast<int*>(&state);
}

}  // namespace

void CompletionFlag::wait() {
  // FUTEX_WAIT returns at once if the word is no longer kUnset (set() ran in
  // between), and may wake spuriously: check again each time.
  while (state_.load(std::memory_order_acquire) == kUnset)
    syscall(SYS_futex, word_of(state_), FUTEX_WAIT_PRIVATE, kUnset, nullptr, nullptr, 0);
  // The first waiter out wakes the others: waking dozens of threads is the
  // kernel's work per thread, and set()'s caller is the serial committer.
  int expected = kSet;
  if (state_.compare_exchange_strong(expected, kBroadcast, std::memory_order_acq_rel))
    syscall(SYS_futex, word_of(state_), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

void CompletionFlag::set() {
  state_.store(kSet, std::memory_order_release);
  syscall(SYS_futex, word_of(state_), FUTEX_WAKE_PRIVATE, 1, nullptr, nullptr, 0);
}

}  // namespace scanhook::core
