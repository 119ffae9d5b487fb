#include "scanhook/support/server_api.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <stdexcept>

#include "scanhook/plugin.hpp"
#include "scanhook/support/ca_file_rule.hpp"

namespace scanhook::support {

ServerSettings read_server_settings(const ConfigView& config, const std::string& token_key,
                                    bool token_required) {
  ServerSettings settings;
  settings.url = config.string("url");
  settings.token = config.string(token_key);
  settings.http.timeout = config.duration("timeout", settings.http.timeout);
  settings.http.verify_tls = config.boolean("verify_tls", true);
  settings.http.ca_file = config.string("ca_file");

  Poco::URI uri;
  try {
    uri = Poco::URI(settings.url);
  } catch (const Poco::Exception& error) {
    throw ConfigRefusal("url", "not a URL: " + settings.url + " (" + error.message() + ")");
  }
  if (!uri.getRawQuery().empty() || !uri.getFragment().empty())
    throw ConfigRefusal("url",
                        "give only scheme, host, port and path prefix, without ?query or "
                        "#fragment: " +
                            settings.url);
  if (settings.token.empty() && token_required)
    throw ConfigRefusal(token_key, "the server's API token is empty");
  check_ca_file(settings.http, uri.getScheme() == "https", settings.url);
  return settings;
}

ServerApi::ServerApi(std::string product, std::string section, std::string token_key,
                     const ServerSettings& settings, HeaderList auth_headers, Host& host)
    : product_(std::move(product)),
      section_(std::move(section)),
      token_key_(std::move(token_key)),
      client_(settings.url, settings.http),
      auth_headers_(std::move(auth_headers)),
      host_(host) {
  if (!settings.http.verify_tls && settings.url.rfind("https://", 0) == 0)
    host_.log(LogLevel::warning, "[" + section_ + "] verify_tls = false: any certificate is " +
                                     "accepted from " + settings.url);
}

HttpResponse ServerApi::get(const std::string& target) const {
  HeaderList headers = auth_headers_;
  headers.emplace_back("Accept", "application/json");
  return accepted_token(client_.send("GET", target, headers));
}

HttpResponse ServerApi::post_json(const std::string& target, const std::string& body) const {
  HeaderList headers = auth_headers_;
  headers.emplace_back("Accept", "application/json");
  return accepted_token(client_.send("POST", target, headers, body, "application/json"));
}

HttpResponse ServerApi::accepted_token(HttpResponse response) const {
  if (response.success()) token_rejected_ = false;
  return response;
}

HttpResponse ServerApi::get_public(const std::string& target) const {
  return client_.send("GET", target, {{"Accept", "application/json"}});
}

AnswerContext ServerApi::context_of(const std::string& request, Scope scope) const {
  const auto space = request.find(' ');
  const std::string method = space == std::string::npos ? "GET" : request.substr(0, space);
  const std::string route = space == std::string::npos ? request : request.substr(space + 1);
  return {product_, method, route, client_.base_url(), section_, token_key_, scope};
}

Result ServerApi::verdict(const HttpResponse& response, const std::string& request,
                          Scope scope) const {
  Result result = classify_answer(response, context_of(request, scope));
  if ((response.status == 401 || response.status == 403) && !token_rejected_.exchange(true))
    host_.log(LogLevel::error,
              "[" + section_ + "] TOKEN REJECTED by " + product_ + " at " + client_.base_url() +
                  " (HTTP " + std::to_string(response.status) + " on " + request +
                  "): nothing reaches " + product_ + " until " + token_key_ + " is fixed");
  return result;
}

Result ServerApi::public_verdict(const HttpResponse& response, const std::string& request) const {
  if (response.status != 401 && response.status != 403) return verdict(response, request);
  return Result::unavailable(
      "HTTP " + std::to_string(response.status) + " on " + request + " at " + client_.base_url() +
      ", which " + product_ + " answers without a token (none was sent): not " + product_ +
      " refusing the token, but something in front of it asking for a login of its own (a "
      "reverse proxy's?), or another service at that address; set url in [" +
      section_ + "] to where " + product_ + " answers itself");
}

Result ServerApi::unreadable(const HttpResponse& response, const std::string& request,
                             const std::string& error) const {
  return unreadable_answer(response, context_of(request, Scope::server), error);
}

std::string ServerApi::url(const std::string& target) const {
  std::string base = client_.base_url();
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base + target;
}

namespace {

// A target's own token is `token`; a webhook source's `token` is the one
// webhooks send to scanhook, so its server's is `server_token`.
std::string token_key_of(Kind kind) {
  return kind == kTarget ? "token" : "server_token";
}

}  // namespace

void check_server_api(const CheckArgs& args) {
  read_server_settings(*args.config, token_key_of(args.kind));
}

std::shared_ptr<const ServerApi> make_server_api(const std::string& product, const CreateArgs& args,
                                                 AuthHeaders auth_headers) {
  const bool target = args.kind == kTarget;
  const std::string token_key = token_key_of(args.kind);
  const ServerSettings settings = read_server_settings(*args.config, token_key);
  const std::string section = std::string(target ? "target." : "source.") + args.instance;
  return std::make_shared<const ServerApi>(product, section, token_key, settings,
                                           auth_headers(settings.token), *args.host);
}

}  // namespace scanhook::support
