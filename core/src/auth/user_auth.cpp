#include "scanhook/core/auth/user_auth.hpp"

#include <Poco/Exception.h>
#include <Poco/Net/IPAddress.h>
#include <Poco/Net/SocketAddress.h>

#include <algorithm>

#include "scanhook/core/auth/auth.hpp"
#include "scanhook/core/text/utf8_text.hpp"

namespace scanhook::core {

namespace {

std::string trim(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

// "name:port" → "name", "[::1]:port" → "::1"; lower case, no trailing dot.
std::string host_name(const std::string& host) {
  std::string name = host;
  if (!name.empty() && name.front() == '[') {
    name = name.substr(1, name.find(']') - 1);
  } else if (const auto colon = name.find(':');
             colon != std::string::npos && name.find(':', colon + 1) == std::string::npos) {
    name = name.substr(0, colon);
  }
  for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!name.empty() && name.back() == '.') name.pop_back();
  return name;
}

// The peer (not X-Forwarded-For: a request without Host names nothing to trust) is loopback.
bool from_loopback(const HttpRequest& request) {
  try {
    return Poco::Net::SocketAddress(request.remote_address).host().isLoopback();
  } catch (const Poco::Exception&) {
    return false;
  }
}

// The reply that refuses a request to an Access::user route; nullopt allows it.
std::optional<HttpReply> user_refusal(const UserVerdict& verdict) {
  switch (verdict.outcome) {
    case UserVerdict::allowed: return std::nullopt;
    case UserVerdict::refused: return json_error(403, verdict.message);
    case UserVerdict::too_many_attempts: {
      HttpReply reply = json_error(429, verdict.message);
      reply.headers.emplace_back("Retry-After", std::to_string(verdict.retry_after.count()));
      return reply;
    }
    case UserVerdict::needs_login: break;
  }
  HttpReply reply = json_error(401, verdict.message);
  if (verdict.basic_challenge)
    reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"scanhook\", charset=\"UTF-8\"");
  return reply;
}

}  // namespace

std::string UserAuth::webhook_refusal_text(const HttpRequest& request, const std::string& source,
                                           const std::string& token,
                                           const std::string& message) const {
  const bool wrong_token = !token.empty() && offered_token(request);
  const bool wrong_basic = login_required() && basic_credentials(request);
  if (wrong_token && wrong_basic) return "wrong token, and wrong username or password; " + message;
  if (wrong_token) return "wrong token; " + message;
  if (wrong_basic) return "wrong username or password; " + message;
  if (!token.empty())
    return "no token: add ?token=<the token of [source." + source +
           "]> to the webhook's URL, or send it in the X-Scanhook-Token header; " + message;
  return "no credentials: send the server's username and password (HTTP Basic); " + message;
}

UserAuth::UserAuth(std::string username, std::string password,
                   std::chrono::seconds session_idle_timeout, DoorRules rules)
    : username_(std::move(username)),
      password_(std::move(password)),
      rules_(std::move(rules)),
      sessions_(session_idle_timeout),
      login_limiter_(LoginRateLimiter::kAttempts, LoginRateLimiter::kWindow),
      webhook_limiter_(LoginRateLimiter::kAttempts, LoginRateLimiter::kWindow) {}

HttpReply too_many_attempts_reply(std::chrono::seconds wait) {
  HttpReply reply = json_error(429, "too many wrong credentials from your address: try again in " +
                                        std::to_string(wait.count()) + " seconds");
  reply.headers.emplace_back("Retry-After", std::to_string(wait.count()));
  return reply;
}

bool UserAuth::host_allowed(const std::string& host) const {
  const std::string name = host_name(trim(host));
  if (name == "localhost") return true;
  Poco::Net::IPAddress address;
  if (Poco::Net::IPAddress::tryParse(name, address) && address.isLoopback()) return true;
  for (const auto& server_name : rules_.server_names) {
    if (server_name.empty()) continue;
    // "name:port" allows that port only; a bare name, any port.
    const bool has_port = server_name.front() == '['
                              ? server_name.find("]:") != std::string::npos
                              : std::count(server_name.begin(), server_name.end(), ':') == 1;
    if (has_port ? iequals(server_name, trim(host)) : host_name(server_name) == name) return true;
  }
  return false;
}

std::optional<HttpReply> UserAuth::gate(const HttpRequest& request, Access access) {
  if (!login_required()) {
    const auto host = request.header("Host");
    if (host && !host_allowed(*host))
      return json_error(421,
                        "this daemon has no credentials, so it only answers requests for "
                        "loopback (127.0.0.1, localhost, [::1]) or a [server] server_name; "
                        "the Host \"" +
                            utf8_text(host->substr(0, 255)) + "\" is neither");
    // Only HTTP/1.0 may leave Host out (the reader refuses HTTP/1.1 without
    // one). It names no host, so it counts as loopback's only when it comes
    // from loopback: a daemon opened with allow_unauthenticated serves it to
    // no one else.
    if (!host && !from_loopback(request))
      return json_error(421,
                        "this daemon has no credentials, so a request without Host is answered "
                        "only from loopback; send Host naming loopback or a [server] server_name");
  }
  if (access == Access::webhook && is_state_changing(request.method) && is_cross_site(request)) {
    const auto session = session_of(request);
    const auto token = request.header("X-CSRF-Token");
    if (!session || !token || !constant_time_equals(*token, session->csrf_token))
      return json_error(403,
                        "cross-site request refused: a page on another site cannot trigger scans");
  }
  return std::nullopt;
}

std::optional<AccessRefusal> UserAuth::check_webhook(const HttpRequest& request,
                                                     const std::string& source,
                                                     const std::string& token,
                                                     const std::string& message) {
  const std::string key = source + " " + client_address(request);
  // Only a request that offers credentials is counted: one with none guesses nothing.
  const bool offered = (login_required() && basic_credentials(request)) ||
                       (!token.empty() && offered_token(request));
  if (offered) {
    if (const auto wait = webhook_limiter_.wait_time(key))
      return rate_limited(request, *wait, webhook_allowed(request, token, username_, password_));
  }
  if (webhook_allowed(request, token, username_, password_)) {
    if (offered) webhook_limiter_.record_success(key);
    return std::nullopt;
  }
  if (offered) webhook_limiter_.record_failure(key);
  HttpReply reply = json_error(401, webhook_refusal_text(request, source, token, message));
  reply.headers.emplace_back("WWW-Authenticate", "Basic realm=\"scanhook\"");
  return reply;
}

AccessRefusal UserAuth::rate_limited(const HttpRequest& request, std::chrono::seconds wait,
                                     bool right) const {
  AccessRefusal refusal = too_many_attempts_reply(wait);
  refusal.read_body = true;
  if (right)
    refusal.keep = "rate-limited: the right credential came from " + client_address(request) +
                   " while that address was blocked for wrong ones";
  return refusal;
}

std::optional<AccessRefusal> UserAuth::pass_refusal(const HttpRequest& request, const Route& route,
                                                    const RouteParams& params) {
  const auto wrong = params.find("secret");
  const std::size_t length =
      route.secret_miss ? (wrong == params.end() ? 0 : wrong->second.size()) : route.secret.size();
  std::vector<std::string> keys;  // the guessed sources' limiter keys for this client
  for (const SecretOwner& owner : route.owners)
    if (owner.length == length)
      keys.push_back("(pass) " + owner.name + " " + client_address(request));
  for (const auto& key : keys)
    if (const auto wait = webhook_limiter_.wait_time(key))
      return rate_limited(request, *wait, !route.secret_miss);
  if (route.secret_miss)
    for (const auto& key : keys) webhook_limiter_.record_failure(key);
  return std::nullopt;
}

std::optional<AccessRefusal> UserAuth::refusal(const HttpRequest& request, const Route& route,
                                               const RouteParams& params) {
  if (auto refused = gate(request, route.access)) return refused;
  switch (route.access) {
    case Access::open: return std::nullopt;
    case Access::user: return user_refusal(check(request));
    case Access::webhook: break;
  }
  if (!route.secret.empty() || route.secret_miss) return pass_refusal(request, route, params);
  const auto credential = route.credential ? route.credential(params) : std::nullopt;
  if (!credential) return std::nullopt;
  return check_webhook(request, credential->source, credential->token, credential->refusal);
}

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
    const std::string client = client_address(request);
    if (const auto wait = login_limiter_.wait_time(client))
      return {UserVerdict::too_many_attempts, too_many_logins_message(*wait), false, *wait};
    if (basic_matches(request, username_, password_)) {
      login_limiter_.record_success(client);
      return {UserVerdict::allowed, "", false};
    }
    login_limiter_.record_failure(client);
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
