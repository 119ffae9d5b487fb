#include "scanhook/core/pipeline/completion_flag.hpp"

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
  // FUTEX_WAIT returns at once if the word is no longer 0 (set() ran in
  // between), and may wake spuriously: check again each time.
  while (state_.load(std::memory_order_acquire) == 0)
    syscall(SYS_futex, word_of(state_), FUTEX_WAIT_PRIVATE, 0, nullptr, nullptr, 0);
}

void CompletionFlag::set() {
  state_.store(1, std::memory_order_release);
  syscall(SYS_futex, word_of(state_), FUTEX_WAKE_PRIVATE, INT_MAX, nullptr, nullptr, 0);
}

}  // namespace scanhook::core
