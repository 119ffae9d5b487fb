#include "scanhook/core/user_auth.hpp"

#include "scanhook/core/auth.hpp"

namespace scanhook::core {

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

UserAuth::UserAuth(std::string username, std::string password,
                   std::chrono::seconds session_idle_timeout)
    : username_(std::move(username)),
      password_(std::move(password)),
      sessions_(session_idle_timeout),
      login_limiter_(LoginRateLimiter::kAttempts, LoginRateLimiter::kWindow) {}

bool UserAuth::credentials_match(const std::string& username, const std::string& password) const {
  // Both compared, always, so a wrong user name takes as long as a wrong password.
  const bool user_ok = constant_time_equals(username, username_);
  const bool password_ok = constant_time_equals(password, password_);
  return user_ok && password_ok;
}

std::optional<Session> UserAuth::session_of(const HttpRequest& request) {
  const auto id = cookie_value(request, kSessionCookie);
  if (!id) return std::nullopt;
  return sessions_.find(*id);
}

UserVerdict UserAuth::check(const HttpRequest& request) {
  const bool changes = is_state_changing(request.method);
  if (changes && is_cross_site(request))
    return {UserVerdict::refused, "cross-site request refused", false};

  // Scripts: Basic needs no CSRF token. A browser does resend remembered Basic
  // credentials, but a cross-site change was refused above.
  if (basic_credentials(request) && login_required()) {
    if (const auto wait = login_limiter_.wait_time(request.remote_address))
      return {UserVerdict::too_many_attempts, too_many_logins_message(*wait), false, *wait};
    if (basic_matches(request, username_, password_)) {
      login_limiter_.record_success(request.remote_address);
      return {UserVerdict::allowed, "", false};
    }
    login_limiter_.record_failure(request.remote_address);
    return {UserVerdict::needs_login, "wrong username or password", true};
  }

  if (const auto session = session_of(request)) {
    if (changes) {
      const auto token = request.header("X-CSRF-Token");
      if (!token || !constant_time_equals(*token, session->csrf_token))
        return {UserVerdict::refused,
                "missing or wrong CSRF token: send the X-CSRF-Token header from GET /api/session",
                false};
    }
    return {UserVerdict::allowed, "", false};
  }

  if (!login_required()) return {UserVerdict::allowed, "", false};
  // A browser's own fetches get no Basic challenge, so no password dialog pops up.
  const bool from_browser = request.header("Sec-Fetch-Mode").has_value();
  const std::string message = cookie_value(request, kSessionCookie)
                                  ? "your session has ended: log in again"
                                  : "authentication required: log in, or use HTTP Basic";
  return {UserVerdict::needs_login, message, !from_browser};
}

bool is_state_changing(const std::string& method) {
  return method != "GET" && method != "HEAD" && method != "OPTIONS";
}

bool is_cross_site(const HttpRequest& request) {
  // Sec-Fetch-Site is set by the browser itself and is the better witness: with
  // Referrer-Policy: no-referrer, a same-origin form post says Origin: null.
  // "same-site" is another origin too (e.g. another port on this host): the UI is same-origin only.
  if (const auto site = request.header("Sec-Fetch-Site"))
    return iequals(trim(*site), "cross-site") || iequals(trim(*site), "same-site");
  const auto origin = request.header("Origin");
  if (!origin) return false;
  const auto scheme_end = origin->find("://");
  if (scheme_end == std::string::npos) return true;  // "null" from an older browser
  const std::string origin_host = origin->substr(scheme_end + 3);
  return !iequals(origin_host, trim(request.header("Host").value_or("")));
}

std::optional<std::string> cookie_value(const HttpRequest& request, const std::string& name) {
  for (const auto& [header, value] : request.headers) {
    if (!iequals(header, "Cookie")) continue;
    std::size_t start = 0;
    while (start < value.size()) {
      const auto end = std::min(value.find(';', start), value.size());
      const std::string pair = trim(value.substr(start, end - start));
      const auto equals = pair.find('=');
      if (equals != std::string::npos && pair.substr(0, equals) == name)
        return pair.substr(equals + 1);
      start = end + 1;
    }
  }
  return std::nullopt;
}

bool reached_over_https(const HttpRequest& request) {
  // Several proxies list their hops comma-separated, the client's first.
  const auto first_hop = [](const std::string& value) {
    return trim(value.substr(0, value.find(',')));
  };
  if (const auto proto = request.header("X-Forwarded-Proto"))
    return iequals(first_hop(*proto), "https");
  if (const auto forwarded = request.header("Forwarded")) {
    std::string element = first_hop(*forwarded);
    for (std::size_t start = 0; start <= element.size();) {
      const std::size_t end = std::min(element.find(';', start), element.size());
      const std::string pair = trim(element.substr(start, end - start));
      if (pair.size() > 6 && iequals(pair.substr(0, 6), "proto=")) {
        std::string value = pair.substr(6);
        if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
          value = value.substr(1, value.size() - 2);
        return iequals(value, "https");
      }
      start = end + 1;
    }
  }
  return false;
}

std::string session_cookie_header(const Session& session, const HttpRequest& request) {
  return std::string(kSessionCookie) + "=" + session.id + "; HttpOnly; SameSite=Strict; Path=/" +
         (reached_over_https(request) ? "; Secure" : "");
}

std::string cleared_session_cookie_header(const HttpRequest& request) {
  return std::string(kSessionCookie) + "=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0" +
         (reached_over_https(request) ? "; Secure" : "");
}

}  // namespace scanhook::core
