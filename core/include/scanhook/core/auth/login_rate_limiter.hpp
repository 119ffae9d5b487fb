// Slows password guessing: after `limit` failed logins from one address
// within `window`, that address is refused until the oldest failure ages out.
// One limiter counts every way of logging in: the login form, HTTP Basic on
// the API, and Basic on the webhook and manual trigger routes.
#pragma once

#include <chrono>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "scanhook/core/time_source.hpp"

namespace scanhook::core {

class LoginRateLimiter {
 public:
  // `window` is measured on `clock`.
  LoginRateLimiter(std::size_t limit, std::chrono::seconds window,
                   const TimeSource& clock = real_time());

  static constexpr std::size_t kAttempts = 5;
  static constexpr std::chrono::seconds kWindow{60};

  // How long the address must wait before trying again; nullopt: it may try now.
  std::optional<std::chrono::seconds> wait_time(const std::string& address);
  void record_failure(const std::string& address);
  void record_success(const std::string& address);

 private:
  void forget_old(std::deque<TimeSource::SteadyTime>& failures, TimeSource::SteadyTime now) const;

  std::size_t limit_;
  std::chrono::seconds window_;
  const TimeSource& clock_;
  std::mutex mutex_;
  std::map<std::string, std::deque<TimeSource::SteadyTime>> failures_;
};

// What a refused address is told.
std::string too_many_logins_message(std::chrono::seconds wait);

// The host part of "host:port" / "[v6]:port", so every port of a client counts together.
std::string address_without_port(const std::string& address);

}  // namespace scanhook::core
