#include "scanhook/core/http/router.hpp"

#include <algorithm>
#include <iterator>
#include <stdexcept>

#include "scanhook/core/app/log_excerpt.hpp"
#include "scanhook/core/auth/auth.hpp"

namespace scanhook::core {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto slash = path.find('/', start);
    const auto end = slash == std::string::npos ? path.size() : slash;
    if (end > start) segments.push_back(path.substr(start, end - start));
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return segments;
}

// `holds_secret` is set when the path carries the route's secret, even if the
// rest does not match (so a near miss is not logged either).
bool match(const Route& route, const std::vector<std::string>& have, RouteParams& params,
           bool& holds_secret) {
  const auto& want = route.segments;
  params.clear();
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "*") {
      std::string rest;
      for (std::size_t j = i; j < have.size(); ++j) rest += (j > i ? "/" : "") + have[j];
      params["*"] = rest;
      return true;
    }
    if (i >= have.size()) return false;
    if (!route.secret.empty() && want[i] == "{secret}") {
      if (!constant_time_equals(have[i], route.secret)) return false;
      holds_secret = true;
    } else if (want[i].size() > 2 && want[i].front() == '{' && want[i].back() == '}')
      params[want[i].substr(1, want[i].size() - 2)] = have[i];
    else if (want[i] != have[i])
      return false;
  }
  return want.size() == have.size();
}

DeferredRouteHandler answering_at_once(RouteHandler handler) {
  return
      [handler = std::move(handler)](const HttpRequest& request, const RouteParams& params,
                                     const Respond& respond) { respond(handler(request, params)); };
}

}  // namespace

void Router::add(const std::string& method, const std::string& pattern, Access access,
                 RouteHandler handler) {
  add_deferred(method, pattern, access, answering_at_once(std::move(handler)));
}

void Router::add_deferred(const std::string& method, const std::string& pattern, Access access,
                          DeferredRouteHandler handler) {
  // A webhook route without a declared credential would be open to anyone.
  if (access == Access::webhook)
    throw std::invalid_argument("a webhook route declares its credential (add_webhook): " +
                                pattern);
  routes_.push_back(
      {method, pattern, access, std::move(handler), {}, split_path(pattern), {}, false, {}, {}});
}

void Router::add_webhook(const std::string& method, const std::string& pattern,
                         CredentialOf credential, DeferredRouteHandler handler, KeepRefused keep) {
  if (!credential) throw std::invalid_argument("a webhook route needs a credential: " + pattern);
  routes_.push_back({method,
                     pattern,
                     Access::webhook,
                     std::move(handler),
                     {},
                     split_path(pattern),
                     std::move(credential),
                     false,
                     {},
                     std::move(keep)});
}

void Router::add_secret(const std::string& method, const std::string& pattern, std::string secret,
                        std::string owner, DeferredRouteHandler handler, RouteHandler miss,
                        KeepRefused keep) {
  if (secret.empty() || pattern.find("{secret}") == std::string::npos || !miss)
    throw std::invalid_argument("a secret route needs a secret, a {secret} segment and a miss: " +
                                pattern);
  const SecretOwner owned{std::move(owner), secret.size()};
  routes_.push_back({method,
                     pattern,
                     Access::webhook,
                     std::move(handler),
                     std::move(secret),
                     split_path(pattern),
                     {},
                     false,
                     {owned},
                     std::move(keep)});
  // One miss per method and shape, which knows every secret there: a wrong
  // segment is a guess at each secret of its length, whoever's.
  auto shared = std::find_if(routes_.begin(), routes_.end(), [&](const Route& route) {
    return route.secret_miss && route.method == method && route.pattern == pattern;
  });
  if (shared == routes_.end()) {
    routes_.push_back({method,
                       pattern,
                       Access::webhook,
                       answering_at_once(std::move(miss)),
                       {},
                       split_path(pattern),
                       {},
                       true,
                       {},
                       {}});
    shared = std::prev(routes_.end());
  }
  shared->owners.push_back(owned);
}

RouteLookup Router::find(const std::string& method, const std::string& path) const {
  RouteLookup lookup;
  RouteParams params;
  const auto segments = split_path(path);
  if (path.size() > kLoggedPathBytes) lookup.redacted_path = log_excerpt(path, kLoggedPathBytes);
  const Route* miss = nullptr;
  for (const auto& route : routes_) {
    if (route.secret_miss) {
      if (!miss && route.method == method && route.segments.size() == segments.size())
        miss = &route;
      continue;
    }
    bool holds_secret = false;
    const bool matched = match(route, segments, params, holds_secret);
    if (holds_secret) lookup.redacted_path = route.pattern + (matched ? "" : "/...");
    if (!matched) continue;
    const bool method_matches =
        route.method == method || (method == "HEAD" && route.method == "GET");
    // A webhook route whose parameters name nothing (an unknown source) is no
    // path here: another method gets the 404 its own method gets, not a 405.
    if (!method_matches && route.credential && !route.credential(params)) continue;
    if (method_matches) {
      lookup.route = &route;
      lookup.params = std::move(params);
      return lookup;
    }
    if (std::find(lookup.allowed_methods.begin(), lookup.allowed_methods.end(), route.method) ==
        lookup.allowed_methods.end())
      lookup.allowed_methods.push_back(route.method);
  }
  if (miss && lookup.allowed_methods.empty()) {
    lookup.route = miss;
    for (std::size_t i = 0; i < miss->segments.size(); ++i)
      if (miss->segments[i] == "{secret}") lookup.params["secret"] = segments[i];
    // A near miss of the secret may be most of it: not logged.
    lookup.redacted_path = miss->pattern + " (a wrong secret)";
  }
  return lookup;
}

}  // namespace scanhook::core
