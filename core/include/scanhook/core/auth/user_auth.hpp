// Every access check in one place (refusal(), the HTTP server's AccessCheck).
// Who may use the UI and /api/: HTTP Basic with the [server] credentials
// (scripts), or a UI session whose state-changing requests carry its CSRF
// token; requests a browser marks cross-site never change anything there.
// Who may call a webhook route: see check_webhook; a source's pass URL: its
// path. Before any route: the Host and cross-site rules of gate().
// Failed credentials are rate-limited by kind, per client address
// (TrustedProxies): UI logins (the form, Basic on user routes) in one
// limiter; webhook credentials per source and client in another, so failed
// UI logins never block a correct webhook.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/auth/login_rate_limiter.hpp"
#include "scanhook/core/auth/session_store.hpp"
#include "scanhook/core/http/router.hpp"
#include "scanhook/core/http/trusted_proxies.hpp"

namespace scanhook::core {

inline constexpr const char* kSessionCookie = "scanhook_session";

// What the user check decided for a request to an Access::user route.
struct UserVerdict {
  enum Outcome {
    allowed,
    needs_login,        // 401: no or wrong credentials, or the session expired
    refused,            // 403: authenticated, but CSRF token or origin wrong
    too_many_attempts,  // 429: too many failed logins from the address, for retry_after
  };
  Outcome outcome = allowed;
  std::string message;           // said in the JSON error
  bool basic_challenge = false;  // 401 with WWW-Authenticate: Basic (not for the UI's fetches)
  std::chrono::seconds retry_after{0};
};

// The [server] keys the door checks besides credentials.
struct DoorRules {
  // server_name: Host values (a name, or name:port) a daemon without
  // credentials answers besides loopback's.
  std::vector<std::string> server_names;
  TrustedProxies trusted_proxies;
};

class UserAuth {
 public:
  // No username and no password: no login (the daemon listens on loopback only).
  UserAuth(std::string username, std::string password,
           std::chrono::seconds session_idle_timeout = std::chrono::hours(12),
           DoorRules rules = {});
  UserAuth(const UserAuth&) = delete;
  UserAuth& operator=(const UserAuth&) = delete;

  bool login_required() const { return !username_.empty() || !password_.empty(); }
  bool credentials_match(const std::string& username, const std::string& password) const;

  // The one access check, from the request's head (HttpServer's AccessCheck):
  // gate(), then by the route's level: nothing more for Access::open; check()
  // for Access::user (its verdict as a 401, 403 or 429); for Access::webhook,
  // check_webhook() with the route's declared credential, or for a pass route
  // (Route::secret) the wrong-pass limit, a wrong pass counted. nullopt: the
  // route may run.
  std::optional<AccessRefusal> refusal(const HttpRequest& request, const Route& route,
                                       const RouteParams& params);

  // The verdict for an Access::user route. Basic failures count against the
  // address in login_limiter(), as failed logins.
  UserVerdict check(const HttpRequest& request);
  // The live session named by the request's cookie.
  std::optional<Session> session_of(const HttpRequest& request);

  // The first step of refusal(), before every route's handler; nullopt lets it
  // run. Without credentials, a Host naming neither loopback (127.0.0.0/8,
  // localhost, [::1]) nor a server_name gets 421 (a DNS-rebinding page must
  // get no session), and so does a request without Host (HTTP/1.0) from a
  // peer that is not loopback; an absolute-form target's authority has
  // replaced Host before (HttpServer). A browser's cross-site change
  // (is_cross_site) to an Access::webhook route gets 403 unless it carries
  // the session's CSRF token; server-to-server webhooks send neither Origin
  // nor Sec-Fetch-Site.
  std::optional<HttpReply> gate(const HttpRequest& request, Access access);
  // True when `host` (a Host header's value) names this daemon as gate() requires.
  bool host_allowed(const std::string& host) const;

  // A webhook route's caller: with a source `token`, the token or the
  // [server] credentials; without one, the [server] credentials if set;
  // with neither, anyone. Wrong credentials count against `source` and the
  // client; past LoginRateLimiter::kAttempts the pair gets 429 (Retry-After),
  // whatever it sends, so a guesser learns nothing: its body is read either
  // way (AccessRefusal::read_body), and when it showed the right credential
  // the refusal says to keep the request (AccessRefusal::keep), so no event
  // is lost to someone else's guesses. `message` is the 401's; nullopt: allowed.
  std::optional<AccessRefusal> check_webhook(const HttpRequest& request, const std::string& source,
                                             const std::string& token, const std::string& message);

  std::string client_address(const HttpRequest& request) const {
    return rules_.trusted_proxies.client_address(request);
  }
  SessionStore& sessions() { return sessions_; }
  // Keyed by client_address().
  LoginRateLimiter& login_limiter() { return login_limiter_; }

 private:
  // A source's pass URL (a secret route, or its miss): the 429 for a client
  // that guessed a pass wrong too often (nullopt: it may try). Only a segment
  // of a pass's length is a guess at it: a wrong one counts against that
  // pass's source for this client, and a client blocked there is refused the
  // right pass too (no oracle; the right one is kept, as by check_webhook).
  // Any other segment is an unknown path, counted against no one.
  std::optional<AccessRefusal> pass_refusal(const HttpRequest& request, const Route& route,
                                            const RouteParams& params);
  // The 401's text: what came (no token, no credentials, a wrong token, a
  // wrong username or password), then `message`, the route's own words.
  std::string webhook_refusal_text(const HttpRequest& request, const std::string& source,
                                   const std::string& token, const std::string& message) const;
  // The 429 of a client blocked for `wait`; `right`: it showed the right credential.
  AccessRefusal rate_limited(const HttpRequest& request, std::chrono::seconds wait,
                             bool right) const;

  std::string username_;
  std::string password_;
  DoorRules rules_;
  SessionStore sessions_;
  LoginRateLimiter login_limiter_;
  LoginRateLimiter webhook_limiter_;  // keyed "<source> <client>"
};

// The 429 for a wait, with its Retry-After.
HttpReply too_many_attempts_reply(std::chrono::seconds wait);

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
