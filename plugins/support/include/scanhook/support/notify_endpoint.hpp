// Where a notifier POSTs its JSON (a Discord webhook, any JSON webhook), and
// what the answer means for the notifications. The URL is a secret: Discord's
// holds the webhook's token in its path, so reasons and logs name only
// scheme://host:port.
#pragma once

#include <string>

#include "scanhook/result.hpp"
#include "scanhook/support/http_client.hpp"

namespace scanhook::support {

class NotifyEndpoint {
 public:
  // `url`: http(s)://host[:port]/path[?query]. Throws what check() throws.
  NotifyEndpoint(const std::string& url, HttpOptions options, std::string product);

  // What the constructor refuses, made of nothing (a plugin's SDK 1.2 check):
  // throws ConfigRefusal naming `url` when it is not an http(s) URL with a
  // host (without echoing it: it may hold a token), or `ca_file` when that
  // does not fit the url (ca_file_rule.hpp).
  static void check(const std::string& url, const HttpOptions& options);

  HttpResponse post_json(const std::string& body, const HeaderList& headers = {}) const;
  // scheme://host:port, safe to show.
  const std::string& where() const { return where_; }
  const std::string& product() const { return product_; }

 private:
  std::string where_;
  std::string target_;  // path and query, appended to where_
  std::string product_;
  HttpClient client_;
};

// The answer to a notification POST:
//   2xx                       ok
//   no answer, 3xx            unavailable (kept; tried again after the probe interval)
//   401, 403, 404, 410        unavailable: the URL is refused or gone (a deleted webhook)
//   408, 429                  retry, honouring Retry-After
//   5xx                       retry
//   400, 413, 422             rejected: this message can never pass (its body is quoted)
//   other 4xx                 unavailable
Result classify_notify_answer(const HttpResponse& response, const NotifyEndpoint& endpoint);

}  // namespace scanhook::support
