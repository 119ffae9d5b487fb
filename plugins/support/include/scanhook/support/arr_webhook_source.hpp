// The webhook source the Sonarr, Radarr, Lidarr and Readarr plugins share:
// checks the method, parses the body and hands it to the app's handler for its
// eventType. Each plugin supplies only its table of events.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "scanhook/host.hpp"
#include "scanhook/support/arr_payload.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::support {

using ArrHandler = WebhookOutcome (*)(const ArrPayload& payload);

// One eventType the app sends; a null handler means it changes nothing on disk.
struct ArrEventRule {
  const char* event_type;
  ArrHandler handler;
};

class ArrWebhookSource final : public WebhookSourceBase {
 public:
  // `app` names the product in messages ("Sonarr").
  ArrWebhookSource(std::string app, std::vector<ArrEventRule> rules, std::string instance,
                   Host& host)
      : app_(std::move(app)),
        rules_(std::move(rules)),
        instance_(std::move(instance)),
        host_(host) {}

 protected:
  WebhookOutcome on_request(const HttpRequest& request) override;

 private:
  WebhookOutcome unknown_event(const std::string& event_type);

  std::string app_;
  std::vector<ArrEventRule> rules_;
  std::string instance_;
  Host& host_;
  std::mutex mutex_;
  std::set<std::string> unknown_seen_;  // unknown eventTypes already logged
};

}  // namespace scanhook::support
