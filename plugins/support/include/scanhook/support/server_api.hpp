// An authenticated connection to one media server (Plex, Jellyfin, Emby):
// sends requests with the product's auth headers, and turns answers into
// Results, logging loudly once when the server rejects the token.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "scanhook/abi.hpp"
#include "scanhook/config_view.hpp"
#include "scanhook/host.hpp"
#include "scanhook/http.hpp"
#include "scanhook/result.hpp"
#include "scanhook/support/http_client.hpp"
#include "scanhook/support/server_answer.hpp"

namespace scanhook::support {

// Connection settings read from a plugin's section: `url`, the token under
// `token_key`, `timeout`, `verify_tls`, `ca_file`. Throws ConfigRefusal
// naming the key to fix when they do not fit together, or when the token is
// empty and `token_required`; reads ca_file, writes nothing.
struct ServerSettings {
  std::string url;
  std::string token;
  HttpOptions http;
};
ServerSettings read_server_settings(const ConfigView& config, const std::string& token_key,
                                    bool token_required = true);

class ServerApi {
 public:
  // `section` ("target.plex") and `token_key` ("token") tell the user what to fix.
  ServerApi(std::string product, std::string section, std::string token_key,
            const ServerSettings& settings, HeaderList auth_headers, Host& host);

  // With the auth headers and Accept: application/json.
  HttpResponse get(const std::string& target) const;
  HttpResponse post_json(const std::string& target, const std::string& body) const;
  // Without credentials (identity and public info routes).
  HttpResponse get_public(const std::string& target) const;

  // classify_answer() (server_answer.hpp), with one error log line (until
  // the next success) when the server answers 401 or 403. `request` names
  // what was asked, method and route: "GET /library/sections". `scope` says
  // whether the request was about one folder (only then can it be rejected).
  Result verdict(const HttpResponse& response, const std::string& request,
                 Scope scope = Scope::server) const;
  // verdict() of a get_public() answer. The server answers that route
  // without credentials (Plex's /identity, Jellyfin's and Emby's
  // /System/Info/Public), and none were sent, so a 401 or 403 is not the
  // server refusing the token: something in front of it asks for a login of
  // its own (a proxy), or url names another service. Said so, not logged as
  // TOKEN REJECTED.
  Result public_verdict(const HttpResponse& response, const std::string& request) const;
  // A 2xx whose body could not be read (`error`): the target pauses, with a hint.
  Result unreadable(const HttpResponse& response, const std::string& request,
                    const std::string& error) const;

  // base url + target: what explain shows (the token travels in a header).
  std::string url(const std::string& target) const;
  const std::string& product() const { return product_; }
  Host& host() const { return host_; }

 private:
  // An authenticated success re-arms the loud log for the next rejection.
  HttpResponse accepted_token(HttpResponse response) const;
  AnswerContext context_of(const std::string& request, Scope scope) const;

  std::string product_;
  std::string section_;
  std::string token_key_;
  HttpClient client_;
  HeaderList auth_headers_;
  Host& host_;
  mutable std::atomic<bool> token_rejected_{false};
};

// The connection of one plugin instance to its server. A target authenticates
// with its `token`; a webhook source with `server_token`, because its `token`
// is the secret webhooks must send to scanhook.
using AuthHeaders = HeaderList (*)(const std::string& token);
// The plugin check (SDK 1.2) of a section that talks to the server: what
// make_server_api would refuse, with nothing made.
void check_server_api(const CheckArgs& args);

std::shared_ptr<const ServerApi> make_server_api(const std::string& product, const CreateArgs& args,
                                                 AuthHeaders auth_headers);

}  // namespace scanhook::support
