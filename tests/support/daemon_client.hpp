// Talks to a scanhookd started by a test: posts webhooks and reads the JSON
// API (/api/queue, /api/targets, /api/history, /api/explain).
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "scanhook/support/http_client.hpp"

namespace scanhook::testing {

class DaemonClient {
 public:
  explicit DaemonClient(const std::string& url);

  support::HttpResponse post(const std::string& target, const std::string& body,
                             const std::string& content_type) const;
  // The JSON object answered to GET `target`; throws std::runtime_error with
  // the status and body when the answer is not a 200 JSON object.
  Poco::JSON::Object::Ptr get_json(const std::string& target) const;
  // Likewise for a POST of a JSON body.
  Poco::JSON::Object::Ptr post_json(const std::string& target, const std::string& body) const;

  // The entry of GET /api/targets named `name`; throws when there is none.
  Poco::JSON::Object::Ptr target_state(const std::string& name) const;
  // How many folders /api/queue holds.
  int queued_folders() const;
  bool queue_empty() const { return queued_folders() == 0; }

 private:
  support::HttpClient client_;
};

}  // namespace scanhook::testing
