// Who may use the UI and /api/: HTTP Basic with the [server] credentials
// (scripts), or a UI session whose state-changing requests carry its CSRF
// token. Requests a browser marks cross-site never change anything.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "scanhook/core/http_server.hpp"
#include "scanhook/core/login_rate_limiter.hpp"
#include "scanhook/core/session_store.hpp"

namespace scanhook::core {

inline constexpr const char* kSessionCookie = "scanhook_session";

class UserAuth {
 public:
  // No username and no password: no login (the daemon listens on loopback only).
  UserAuth(std::string username, std::string password,
           std::chrono::seconds session_idle_timeout = std::chrono::hours(12));
  UserAuth(const UserAuth&) = delete;
  UserAuth& operator=(const UserAuth&) = delete;

  bool login_required() const { return !username_.empty() || !password_.empty(); }
  bool credentials_match(const std::string& username, const std::string& password) const;

  // The verdict for an Access::user route. Basic failures count against the
  // address in login_limiter(), as failed logins.
  UserVerdict check(const HttpRequest& request);
  // The live session named by the request's cookie.
  std::optional<Session> session_of(const HttpRequest& request);

  SessionStore& sessions() { return sessions_; }
  LoginRateLimiter& login_limiter() { return login_limiter_; }

 private:
  std::string username_;
  std::string password_;
  SessionStore sessions_;
  LoginRateLimiter login_limiter_;
};

// POST, PUT, PATCH, DELETE (anything but GET, HEAD, OPTIONS).
bool is_state_changing(const std::string& method);
// The browser says it comes from another origin: Sec-Fetch-Site cross-site or
// same-site, or (browsers without Sec-Fetch-Site) an Origin that is not this Host.
bool is_cross_site(const HttpRequest& request);
std::optional<std::string> cookie_value(const HttpRequest& request, const std::string& name);
// The browser reached scanhook over HTTPS, as the reverse proxy in front of
// it says (X-Forwarded-Proto, or Forwarded's proto=; the client-facing hop).
// Trusting the header is safe here: it only makes the cookie Secure.
bool reached_over_https(const HttpRequest& request);
// Set-Cookie values that set and clear the session cookie; Secure when the
// request that gets them reached_over_https.
std::string session_cookie_header(const Session& session, const HttpRequest& request);
std::string cleared_session_cookie_header(const HttpRequest& request);

}  // namespace scanhook::core
