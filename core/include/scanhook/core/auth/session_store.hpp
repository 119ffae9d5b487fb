// The web UI's sessions: a random 256-bit id (the cookie) and a CSRF token
// per session, kept in memory, forgotten after an idle time or on logout.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "scanhook/core/time_source.hpp"

namespace scanhook::core {

struct Session {
  std::string id;          // the cookie value; 64 hex digits
  std::string csrf_token;  // 64 hex digits, sent back as X-CSRF-Token
  std::string user;        // "" when the daemon has no credentials
};

class SessionStore {
 public:
  // At most `capacity` sessions; beyond it the least recently used is
  // dropped. Idle time is measured on `clock`.
  explicit SessionStore(std::chrono::seconds idle_timeout, std::size_t capacity = 1000,
                        const TimeSource& clock = real_time());

  Session create(const std::string& user);
  // The live session with this id, its idle time restarted; nullopt if unknown or idle too long.
  std::optional<Session> find(const std::string& id);
  void remove(const std::string& id);
  std::size_t size() const;

 private:
  struct Entry {
    Session session;
    TimeSource::SteadyTime last_used;
  };

  std::chrono::seconds idle_timeout_;
  std::size_t capacity_;
  const TimeSource& clock_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> sessions_;
};

// 32 random bytes from the system's CSPRNG, as 64 lowercase hex digits.
std::string random_token();

}  // namespace scanhook::core
