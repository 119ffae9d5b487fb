// How scanhook reads a server's answer: the one table, shared by every target
// plugin (Plex, Emby, Jellyfin, rclone), that tells an answer about the
// *server* (pause the target or retry later: every folder is kept) from an
// answer about the *folder* (reject it). Each server-level reason carries a
// hint naming what to fix. The README's "How scanhook reads a server's
// answer" shows the same table.
#pragma once

#include <string>

#include "scanhook/result.hpp"
#include "scanhook/support/http_client.hpp"

namespace scanhook::support {

// What a request was about. A library list or an identity is about the
// server; a partial scan of one folder is about that folder, and only there
// can an answer say the folder itself is wrong.
enum class Scope { server, folder };

struct AnswerContext {
  std::string product;          // "Plex": names the server in reasons
  std::string method;           // "GET"
  std::string route;            // what was appended to `base_url`: "/library/sections?x=1"
  std::string base_url;         // the configured url: "http://127.0.0.1:32400"
  std::string section;          // "target.plex": where the user fixes it
  std::string credentials_key;  // "token": what 401/403 ask to check
  Scope scope = Scope::server;

  std::string request() const;  // "GET /library/sections"
};

// The table, first matching row wins:
//   2xx                                     ok
//   no answer (refused, reset, timeout, TLS) unavailable, with what to check
//   3xx                                     unavailable, naming where it points and the url to set
//   401, 403                                unavailable, naming the credentials setting
//   408, 429                                retry, honouring Retry-After
//   503 with Retry-After                    retry, honouring it
//   502, 503, 504                           unavailable (a proxy whose server is down)
//   other 5xx                               retry
//   another 4xx that is an HTML page        unavailable (a proxy or a web UI answered, not the API)
//   400, 422 on a folder's route            rejected: the server says the path is invalid
//   other 4xx on a folder's route           retry
//   404, 410 on a server route              unavailable ("is this the server, or a proxy ...?")
//   other 4xx on a server route             unavailable (something in front refuses it)
Result classify_answer(const HttpResponse& response, const AnswerContext& context);

// A 2xx whose body is not what the server sends (`error` says why it could
// not be read): unavailable, saying whether a web page answered instead.
Result unreadable_answer(const HttpResponse& response, const AnswerContext& context,
                         const std::string& error);

// True when the body is a web page (Content-Type text/html, or <!DOCTYPE
// html / <html at its start): a proxy's error page or a web UI, never an API
// answer of Plex, Emby, Jellyfin or rclone (they send JSON, XML or nothing).
bool looks_like_html(const HttpResponse& response);

// For a 3xx: where it points (resolved against the request's URL) and, when
// that can be told, the `url` to set instead: a base path the server
// redirected into ("/jellyfin" from Jellyfin's "../jellyfin/web"), another
// scheme (https), or another host.
std::string redirect_hint(const HttpResponse& response, const AnswerContext& context);

}  // namespace scanhook::support
