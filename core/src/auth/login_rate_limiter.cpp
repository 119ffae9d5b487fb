#include "scanhook/core/auth/login_rate_limiter.hpp"

namespace scanhook::core {

namespace {
constexpr std::size_t kSweepAt = 10000;
}  // namespace

std::string address_without_port(const std::string& address) {
  if (!address.empty() && address.front() == '[') {
    const auto close = address.find(']');
    return close == std::string::npos ? address : address.substr(1, close - 1);
  }
  const auto colon = address.rfind(':');
  // One colon: IPv4 with a port. More: a bare IPv6 address.
  if (colon == std::string::npos || address.find(':') != colon) return address;
  return address.substr(0, colon);
}

LoginRateLimiter::LoginRateLimiter(std::size_t limit, std::chrono::seconds window,
                                   const TimeSource& clock)
    : limit_(limit), window_(window), clock_(clock) {}

void LoginRateLimiter::forget_old(std::deque<TimeSource::SteadyTime>& failures,
                                  TimeSource::SteadyTime now) const {
  while (!failures.empty() && now - failures.front() >= window_) failures.pop_front();
}

std::optional<std::chrono::seconds> LoginRateLimiter::wait_time(const std::string& address) {
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  const auto it = failures_.find(address_without_port(address));
  if (it == failures_.end()) return std::nullopt;
  forget_old(it->second, now);
  if (it->second.empty()) {
    failures_.erase(it);
    return std::nullopt;
  }
  if (it->second.size() < limit_) return std::nullopt;
  const auto left = window_ - (now - it->second.front());
  // Rounded up, so a client waiting that long is allowed.
  return std::chrono::ceil<std::chrono::seconds>(left);
}

void LoginRateLimiter::record_failure(const std::string& address) {
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  // Many guessing addresses: drop those whose failures have all aged out.
  if (failures_.size() >= kSweepAt) {
    for (auto it = failures_.begin(); it != failures_.end();) {
      forget_old(it->second, now);
      it = it->second.empty() ? failures_.erase(it) : std::next(it);
    }
  }
  auto& failures = failures_[address_without_port(address)];
  forget_old(failures, now);
  failures.push_back(now);
  // Never more than the limit kept: memory stays bounded per address.
  while (failures.size() > limit_) failures.pop_front();
}

std::string too_many_logins_message(std::chrono::seconds wait) {
  return "Too many failed logins from your address: try again in " + std::to_string(wait.count()) +
         " seconds.";
}

void LoginRateLimiter::record_success(const std::string& address) {
  std::lock_guard lock(mutex_);
  failures_.erase(address_without_port(address));
}

}  // namespace scanhook::core
