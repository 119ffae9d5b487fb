#include "scanhook/core/auth/session_store.hpp"

#include <sys/random.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace scanhook::core {

std::string random_token() {
  // The kernel's CSPRNG, or no token: Poco's RandomInputStream would fall
  // back to a hash of the time and addresses when /dev/urandom cannot be opened.
  unsigned char bytes[32];
  for (std::size_t got = 0; got < sizeof bytes;) {
    const ssize_t n = ::getrandom(bytes + got, sizeof bytes - got, 0);
    if (n > 0)
      got += static_cast<std::size_t>(n);
    else if (errno != EINTR)
      throw std::runtime_error(std::string("getrandom failed: ") + std::strerror(errno));
  }
  static const char* const kHex = "0123456789abcdef";
  std::string out;
  for (const unsigned char byte : bytes) {
    out += kHex[byte >> 4];
    out += kHex[byte & 15];
  }
  return out;
}

SessionStore::SessionStore(std::chrono::seconds idle_timeout, std::size_t capacity,
                           const TimeSource& clock)
    : idle_timeout_(idle_timeout), capacity_(capacity), clock_(clock) {}

Session SessionStore::create(const std::string& user) {
  Session session{random_token(), random_token(), user};
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (now - it->second.last_used > idle_timeout_)
      it = sessions_.erase(it);
    else
      ++it;
  }
  if (sessions_.size() >= capacity_) {
    const auto oldest = std::min_element(
        sessions_.begin(), sessions_.end(),
        [](const auto& a, const auto& b) { return a.second.last_used < b.second.last_used; });
    sessions_.erase(oldest);
  }
  sessions_[session.id] = Entry{session, now};
  return session;
}

std::optional<Session> SessionStore::find(const std::string& id) {
  if (id.empty()) return std::nullopt;
  const auto now = clock_.steady_now();
  std::lock_guard lock(mutex_);
  const auto it = sessions_.find(id);
  if (it == sessions_.end()) return std::nullopt;
  if (now - it->second.last_used > idle_timeout_) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.session;
}

void SessionStore::remove(const std::string& id) {
  std::lock_guard lock(mutex_);
  sessions_.erase(id);
}

std::size_t SessionStore::size() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace scanhook::core
