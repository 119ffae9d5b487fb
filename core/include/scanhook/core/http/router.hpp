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

// Who may call a route. The HTTP server checks it from the request's head,
// before the body is read and before the handler runs (AccessCheck), so a
// handler never checks credentials itself.
enum class Access {
  open,     // anyone (health, the login page)
  user,     // the [server] credentials: Basic, or a UI session (+ CSRF on changes)
  webhook,  // the credential the route declares (WebhookCredential), or the [server] credentials
};

// What the caller of a webhook route must show: `token` (if not empty) or the
// [server] credentials; wrong ones count against `source` and the caller.
struct WebhookCredential {
  std::string source;
  std::string token;
  std::string refusal;  // the 401's message
};
// A webhook route's credential for its parameters; nullopt when the route
// names nothing that takes credentials (an unknown source: its handler
// answers 404, as the server would for an unknown path, and find() counts
// the path as unknown for other methods too).
using CredentialOf = std::function<std::optional<WebhookCredential>(const RouteParams&)>;
// Keeps a request that showed its route's right credential but was refused
// all the same (its caller is rate-limited for wrong ones), once its body is
// read: e.g. as a dead letter, so the event can be replayed. `why` says so.
// The refusal itself is answered by the server, the same as a wrong one's.
using KeepRefused =
    std::function<void(const HttpRequest&, const RouteParams&, const std::string& why)>;

// The access check's refusal of a request (AccessCheck, UserAuth::refusal).
struct AccessRefusal {
  AccessRefusal(HttpReply refused) : reply(std::move(refused)) {}  // NOLINT: any reply refuses
  HttpReply reply;
  // A rate-limited webhook caller: its body is read before the answer,
  // whatever credential it showed, so that nothing in the answer (its
  // timing, the connection kept or closed) tells a guesser it was right.
  bool read_body = false;
  // Set (why) when the credential shown was right: the route's keep_refused
  // keeps the request once its body is read.
  std::optional<std::string> keep;
};

// A secret's owner (Router::add_secret; a source, for its pass) and the
// secret's length: a wrong guess is a segment of that length, counted
// against the owner.
struct SecretOwner {
  std::string name;
  std::size_t length = 0;
};

// The longest path logs show whole; a longer one is cut (RouteLookup::redacted_path).
inline constexpr std::size_t kLoggedPathBytes = 512;

struct Route {
  std::string method;
  std::string pattern;
  Access access;
  DeferredRouteHandler handler;  // a RouteHandler's reply is given at once
  std::string secret;            // non-empty: the {secret} segment must equal it (constant-time)
  std::vector<std::string> segments;  // the pattern split at '/', once
  CredentialOf credential;            // Access::webhook without a secret: whose credential
  // The miss of a shape of secret routes (one per method and pattern): it
  // answers a path of that shape whose secret is wrong, found only when no
  // other route matches; its params hold the wrong segment as "secret".
  bool secret_miss = false;
  // A secret route's owner; on the miss, the owners of every secret of its
  // shape (what a wrong segment may be a guess at, by its length).
  std::vector<SecretOwner> owners;
  KeepRefused keep_refused;  // Access::webhook: a right credential refused (see AccessRefusal)
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
                    DeferredRouteHandler handler);
  // An Access::webhook route whose caller shows the credential `credential`
  // names; `keep` (optional) keeps a request refused despite the right one.
  void add_webhook(const std::string& method, const std::string& pattern, CredentialOf credential,
                   DeferredRouteHandler handler, KeepRefused keep = {});
  // An Access::webhook route whose {secret} segment is the credential
  // (`owner`'s, e.g. a source's pass): compared in constant time, and never
  // logged. `miss` answers a path of the same shape whose secret is wrong,
  // when no other route takes it (the first miss given for a method and
  // pattern answers for all of its secrets); the access check counts it as a
  // wrong guess at the secrets of its length. `keep` (optional) keeps a
  // request refused despite the right secret.
  void add_secret(const std::string& method, const std::string& pattern, std::string secret,
                  std::string owner, DeferredRouteHandler handler, RouteHandler miss,
                  KeepRefused keep = {});
  RouteLookup find(const std::string& method, const std::string& path) const;

 private:
  std::vector<Route> routes_;
};

}  // namespace scanhook::core
