#include "scanhook/core/http/router.hpp"

#include <algorithm>
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

// The HTTP server runs a route's head check before reading the body, except
// on Access::user routes (it runs the user check there): the gate goes into
// the head check where the server runs it, and into the handler elsewhere.
DeferredRouteHandler Router::gated(Access access, DeferredRouteHandler handler) const {
  if (access != Access::user) return handler;
  return [gate = gate_, access, handler = std::move(handler)](
             const HttpRequest& request, const RouteParams& params, const Respond& respond) {
    if (*gate)
      if (auto refusal = (*gate)(request, access)) return respond(std::move(*refusal));
    handler(request, params, respond);
  };
}

HeadCheck Router::gated_head(Access access, HeadCheck head_check) const {
  if (access == Access::user) return head_check;
  return [gate = gate_, access, head_check = std::move(head_check)](
             const HttpRequest& request, const RouteParams& params) -> std::optional<HttpReply> {
    if (*gate)
      if (auto refusal = (*gate)(request, access)) return refusal;
    return head_check ? head_check(request, params) : std::nullopt;
  };
}

void Router::add_deferred(const std::string& method, const std::string& pattern, Access access,
                          DeferredRouteHandler handler, HeadCheck head_check) {
  routes_.push_back({method,
                     pattern,
                     access,
                     gated(access, std::move(handler)),
                     {},
                     split_path(pattern),
                     gated_head(access, std::move(head_check))});
}

void Router::add_secret(const std::string& method, const std::string& pattern, std::string secret,
                        Access access, RouteHandler handler, RouteHandler miss) {
  if (secret.empty() || pattern.find("{secret}") == std::string::npos)
    throw std::invalid_argument("a secret route needs a secret and a {secret} segment: " + pattern);
  routes_.push_back({method, pattern, access, gated(access, answering_at_once(std::move(handler))),
                     secret, split_path(pattern), gated_head(access, {})});
  if (miss)
    routes_.push_back({method, pattern, access, gated(access, answering_at_once(std::move(miss))),
                       std::move(secret), split_path(pattern), gated_head(access, {}), true});
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
    if (route.method == method || (method == "HEAD" && route.method == "GET")) {
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
    // A near miss of the secret may be most of it: not logged.
    lookup.redacted_path = miss->pattern + " (a wrong secret)";
  }
  return lookup;
}

}  // namespace scanhook::core
