#include "scanhook/support/notify_endpoint.hpp"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "scanhook/plugin.hpp"
#include "scanhook/support/ca_file_rule.hpp"

namespace scanhook::support {

namespace {

// A URL's scheme, host and port only.
std::string origin_of(const Poco::URI& uri) {
  return uri.getScheme() + "://" + uri.getHost() + ":" + std::to_string(uri.getPort());
}

Poco::URI parsed_url(const std::string& url) {
  try {
    Poco::URI uri(url);
    if ((uri.getScheme() == "http" || uri.getScheme() == "https") && !uri.getHost().empty())
      return uri;
  } catch (const Poco::Exception&) {
  }
  throw ConfigRefusal("url",
                      "not an http:// or https:// URL (the value is not shown: it may hold a "
                      "token)");
}

// The first 200 bytes of a body, for a reason.
std::string excerpt(const std::string& body) {
  constexpr std::size_t kShown = 200;
  return body.size() <= kShown ? body : body.substr(0, kShown) + "...";
}

}  // namespace

void NotifyEndpoint::check(const std::string& url, const HttpOptions& options) {
  check_ca_file(options, parsed_url(url).getScheme() == "https", "");
}

namespace {

Poco::URI checked_url(const std::string& url, const HttpOptions& options) {
  NotifyEndpoint::check(url, options);
  return parsed_url(url);
}

}  // namespace

NotifyEndpoint::NotifyEndpoint(const std::string& url, HttpOptions options, std::string product)
    : where_(origin_of(checked_url(url, options))),
      target_(parsed_url(url).getPathEtc()),
      product_(std::move(product)),
      client_(where_, std::move(options)) {}

HttpResponse NotifyEndpoint::post_json(const std::string& body, const HeaderList& headers) const {
  HeaderList sent = headers;
  sent.emplace_back("Accept", "application/json");
  return client_.send("POST", target_, sent, body, "application/json");
}

Result classify_notify_answer(const HttpResponse& response, const NotifyEndpoint& endpoint) {
  const std::string who = endpoint.product() + " at " + endpoint.where();
  const int status = response.status;
  if (!response.answered())
    return Result::unavailable(who + " did not answer (" + response.transport_error + ")");
  if (response.success()) return Result::ok();
  const std::string http = "HTTP " + std::to_string(status);
  if (status >= 300 && status < 400)
    return Result::unavailable(who + " answered " + http +
                               " (a redirect): set url to where the webhook really is");
  if (status == 401 || status == 403 || status == 404 || status == 410)
    return Result::unavailable(who + " refused the webhook URL (" + http +
                               "; deleted or mistyped?): check url; " + excerpt(response.body));
  if (status == 408 || status == 429)
    return Result::retry(who + " asks to wait (" + http + ")", response.retry_after());
  if (status >= 500) return Result::retry(who + " failed (" + http + ")", response.retry_after());
  if (status == 400 || status == 413 || status == 422)
    return Result::rejected(who + " refused the message (" + http + "): " + excerpt(response.body));
  return Result::unavailable(who + " answered " + http + ": " + excerpt(response.body));
}

}  // namespace scanhook::support
