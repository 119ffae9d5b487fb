// A TimeSource that moves only when a test says so: the timed parts under test
// (dispatcher, poller, history pruner, sessions) wait on it, and the test
// advances it instead of sleeping, so a test of a 30 s back-off takes no 30 s
// and no load on the machine can make a deadline pass early or late.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <list>
#include <mutex>
#include <vector>

#include "scanhook/core/time_source.hpp"

namespace scanhook::testing {

class ManualTime final : public core::TimeSource {
 public:
  // Starts at the real time of its construction (so what it stamps sorts with
  // real rows), then stands still until advance().
  ManualTime();

  SteadyTime steady_now() const override;
  SystemTime system_now() const override;
  bool wait_until(std::condition_variable_any& changed, std::unique_lock<std::mutex>& lock,
                  SteadyTime deadline, const std::function<bool()>& done) override;

  // Moves both times on by `by`; every waiter looks again (its deadline may have come).
  void advance(std::chrono::milliseconds by);

  // True once `threads` threads wait on this clock having all looked again at
  // their condition after this call, and stayed waiting over a second look:
  // whatever the last advance() or notification set off has run its course.
  // False when that takes longer than `timeout` of real time (a thread is
  // busy or blocked elsewhere).
  bool settle(std::size_t threads,
              std::chrono::milliseconds timeout = std::chrono::milliseconds(10'000));
  // advance(by), then settle(threads): `by` passes, and the threads do what it brings.
  bool pass(std::chrono::milliseconds by, std::size_t threads) {
    advance(by);
    return settle(threads);
  }

 private:
  struct Waiter {
    std::condition_variable_any* changed;
    std::uint64_t looked;  // the round in which it last checked its condition
    std::uint64_t id;      // one per wait_until call
  };
  // Under mutex_: makes every waiter look again; returns the new round.
  std::uint64_t next_round();
  // Under mutex_: the ids of the waiters that looked in `round`.
  std::vector<std::uint64_t> looked_in(std::uint64_t round) const;

  mutable std::mutex mutex_;
  std::condition_variable waiters_changed_;
  SteadyTime steady_;
  SystemTime system_;
  std::uint64_t round_ = 0;
  std::uint64_t waits_ = 0;
  std::list<Waiter> waiters_;
};

}  // namespace scanhook::testing
