// The webhook source the Sonarr, Radarr, Lidarr and Readarr plugins share:
// checks the method, parses the body, hands it to the app's handler for its
// eventType and logs what the handler noted (fallbacks, untrusted fields).
// Each plugin supplies only its item's root field and its table of events.
#pragma once

#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "scanhook/host.hpp"
#include "scanhook/support/arr_events.hpp"
#include "scanhook/support/arr_payload.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::support {

// Adds the files and folders one event touched to `events`.
using ArrHandler = void (*)(ArrEvents& events);

// One eventType the app sends; a null handler means it changes nothing on disk.
struct ArrEventRule {
  const char* event_type;
  ArrHandler handler;
};

class ArrWebhookSource final : public WebhookSourceBase {
 public:
  // `app` names the product in messages ("Sonarr"); `root_field` is the dotted
  // field of the item's root folder ("series.path").
  ArrWebhookSource(std::string app, std::string root_field, std::vector<ArrEventRule> rules,
                   std::string instance, Host& host)
      : app_(std::move(app)),
        root_field_(std::move(root_field)),
        rules_(std::move(rules)),
        instance_(std::move(instance)),
        host_(host) {}

 protected:
  WebhookOutcome on_request(const HttpRequest& request) override;

 private:
  WebhookOutcome unknown_event(const std::string& event_type);

  std::string app_;
  std::string root_field_;
  std::vector<ArrEventRule> rules_;
  std::string instance_;
  Host& host_;
  std::mutex mutex_;
  std::set<std::string> unknown_seen_;  // unknown eventTypes already logged
};

}  // namespace scanhook::support
