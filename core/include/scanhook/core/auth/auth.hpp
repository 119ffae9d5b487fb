// Credential checks shared by the HTTP server (user routes) and the ingest
// layer (webhook routes). Every comparison is constant-time.
#pragma once

#include <optional>
#include <string>

#include "scanhook/http.hpp"

namespace scanhook::core {

bool constant_time_equals(const std::string& a, const std::string& b);

struct BasicCredentials {
  std::string username;
  std::string password;
};
// The credentials of an `Authorization: Basic ...` header, if it has one.
std::optional<BasicCredentials> basic_credentials(const HttpRequest& request);

bool basic_matches(const HttpRequest& request, const std::string& username,
                   const std::string& password);

// The token a request offers, sent as `X-Scanhook-Token: T`,
// `Authorization: Bearer T` or `?token=T` (the first of these it has).
std::optional<std::string> offered_token(const HttpRequest& request);

// A source token sent as `X-Scanhook-Token: T`, `Authorization: Bearer T` or `?token=T`.
bool token_matches(const HttpRequest& request, const std::string& token);

// Who may post to a webhook route. With a token, the token or the [server]
// credentials; without one, the [server] credentials if any are set; with
// neither, anyone (the daemon only listens on loopback then, unless told).
bool webhook_allowed(const HttpRequest& request, const std::string& source_token,
                     const std::string& username, const std::string& password);

}  // namespace scanhook::core
