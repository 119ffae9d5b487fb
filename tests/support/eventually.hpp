// Waits for a condition by polling it with short sleeps, so tests wait on an
// outcome (a request arrived, the queue emptied) rather than on a fixed sleep.
#pragma once

#include <chrono>
#include <thread>

namespace scanhook::testing {

// True as soon as `condition()` holds; false when `timeout` passes first.
template <class Condition>
bool eventually(Condition condition,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    if (condition()) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

}  // namespace scanhook::testing
