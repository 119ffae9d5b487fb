#include "support/manual_time.hpp"

#include <algorithm>

namespace scanhook::testing {

namespace {

// The caller's lock and the clock's as one, so that the wait releases both at
// once: an advance() between a waiter's look at the time and its wait cannot
// slip by unseen (advance() needs the clock's lock to move the time).
struct BothLocks {
  std::unique_lock<std::mutex>& caller;
  std::unique_lock<std::mutex>& clock;
  void lock() {
    caller.lock();
    clock.lock();
  }
  void unlock() {
    clock.unlock();
    caller.unlock();
  }
};

}  // namespace

ManualTime::ManualTime()
    : steady_(std::chrono::steady_clock::now()), system_(std::chrono::system_clock::now()) {}

core::TimeSource::SteadyTime ManualTime::steady_now() const {
  std::lock_guard lock(mutex_);
  return steady_;
}

core::TimeSource::SystemTime ManualTime::system_now() const {
  std::lock_guard lock(mutex_);
  return system_;
}

bool ManualTime::wait_until(std::condition_variable_any& changed,
                            std::unique_lock<std::mutex>& lock, SteadyTime deadline,
                            const std::function<bool()>& done) {
  std::unique_lock own(mutex_);
  const auto waiter = waiters_.insert(waiters_.end(), Waiter{&changed, round_, ++waits_});
  BothLocks both{lock, own};
  while (!done() && steady_ < deadline) {
    waiter->looked = round_;
    waiters_changed_.notify_all();
    changed.wait(both);
  }
  waiters_.erase(waiter);
  waiters_changed_.notify_all();
  return done();
}

void ManualTime::advance(std::chrono::milliseconds by) {
  std::lock_guard lock(mutex_);
  steady_ += by;
  system_ += by;
  next_round();
}

std::uint64_t ManualTime::next_round() {
  ++round_;
  // Under the clock's lock, which a waiter holds until it is inside its wait
  // and takes back before it leaves: no waiter is missed, none is gone.
  for (const auto& waiter : waiters_) waiter.changed->notify_all();
  return round_;
}

std::vector<std::uint64_t> ManualTime::looked_in(std::uint64_t round) const {
  std::vector<std::uint64_t> ids;
  for (const auto& waiter : waiters_)
    if (waiter.looked == round) ids.push_back(waiter.id);
  return ids;
}

bool ManualTime::settle(std::size_t threads, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  std::unique_lock lock(mutex_);
  const auto all_looked = [&](std::uint64_t round) {
    return waiters_changed_.wait_until(lock, give_up,
                                       [&] { return looked_in(round).size() >= threads; });
  };
  for (;;) {
    if (!all_looked(next_round())) return false;
    const auto first = looked_in(round_);
    if (!all_looked(next_round())) return false;
    // The same waits both times: nobody woke for good in between (a waiter
    // that did would have left its wait and come back as a new one).
    auto second = looked_in(round_);
    if (std::all_of(second.begin(), second.end(), [&](std::uint64_t id) {
          return std::find(first.begin(), first.end(), id) != first.end();
        }))
      return true;
  }
}

}  // namespace scanhook::testing
