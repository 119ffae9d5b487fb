// Maps a method and path to a handler. Patterns are literal segments,
// {name} for one segment, and a final * for the rest of the path. A route
// with a secret matches its {secret} segment only when it equals the secret.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/http/respond.hpp"
#include "scanhook/http.hpp"

namespace scanhook::core {

using RouteParams = std::map<std::string, std::string>;  // "*" holds the rest, if any
// A route that answers before it returns.
using RouteHandler = std::function<HttpReply(const HttpRequest&, const RouteParams&)>;
// A route that may answer later, from any thread, through `respond`.
using DeferredRouteHandler =
    std::function<void(const HttpRequest&, const RouteParams&, const Respond& respond)>;

// Checks a request from its head alone (the body is empty), before the body
// is read: a reply refuses the request and its body is never read. For the
// caller's credentials, so that no large body is taken from a stranger.
using HeadCheck = std::function<std::optional<HttpReply>(const HttpRequest&, const RouteParams&)>;

// Who may call a route; the HTTP server enforces it before the handler runs.
enum class Access {
  open,     // anyone (health, the login page)
  user,     // the [server] credentials: Basic, or a UI session (+ CSRF on changes)
  webhook,  // the source's own rule (Basic and/or its token), checked by the ingest layer
};

// Runs for every request that found a route: from the route's head check,
// before the body is read, or on Access::user routes (whose head check the
// HTTP server does not run: it runs the user check) before the handler. A
// reply refuses the request.
using RouteGate = std::function<std::optional<HttpReply>(const HttpRequest&, Access)>;

// The longest path logs show whole; a longer one is cut (RouteLookup::redacted_path).
inline constexpr std::size_t kLoggedPathBytes = 512;

struct Route {
  std::string method;
  std::string pattern;
  Access access;
  DeferredRouteHandler handler;  // a RouteHandler's reply is given at once
  std::string secret;            // non-empty: the {secret} segment must equal it (constant-time)
  std::vector<std::string> segments;  // the pattern split at '/', once
  HeadCheck head_check;               // if set, run before the body is read
  // A secret route's twin that answers a wrong secret (so wrong guesses can
  // be counted); found only when no other route matches.
  bool secret_miss = false;
};

struct RouteLookup {
  const Route* route = nullptr;  // null: no route
  RouteParams params;
  std::vector<std::string> allowed_methods;  // set when the path exists with other methods
  // Set when the path holds a route's secret, or is longer than
  // kLoggedPathBytes: what logs show instead of the path.
  std::string redacted_path;
};

class Router {
 public:
  void add(const std::string& method, const std::string& pattern, Access access,
           RouteHandler handler);
  void add_deferred(const std::string& method, const std::string& pattern, Access access,
                    DeferredRouteHandler handler, HeadCheck head_check = {});
  // A route whose {secret} segment is a credential (e.g. plex_autoscan's
  // /{secret}): compared in constant time, and never logged.
  // `miss`, if given, answers a path of the same shape whose secret is wrong,
  // when no other route takes it (else such a path is simply not found).
  void add_secret(const std::string& method, const std::string& pattern, std::string secret,
                  Access access, RouteHandler handler, RouteHandler miss = nullptr);
  RouteLookup find(const std::string& method, const std::string& path) const;
  // The one access check every route runs behind (UserAuth::gate); may be
  // set after routes are added.
  void set_gate(RouteGate gate) { *gate_ = std::move(gate); }

 private:
  DeferredRouteHandler gated(Access access, DeferredRouteHandler handler) const;
  HeadCheck gated_head(Access access, HeadCheck head_check) const;

  std::vector<Route> routes_;
  std::shared_ptr<RouteGate> gate_ = std::make_shared<RouteGate>();
};

}  // namespace scanhook::core
