// Jellyfin's webhook plugin → scan events. The body is user-templated JSON
// (often sent as text/plain); ItemAdded/ItemDeleted carry a Path when "Send
// All Properties" is on, else an ItemId that is looked up through the API.
#pragma once

#include <memory>

#include "scanhook/support/server_api.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::jellyfin {

class JellyfinWebhook final : public WebhookSourceBase {
 public:
  explicit JellyfinWebhook(std::shared_ptr<const support::ServerApi> api) : api_(std::move(api)) {}

 protected:
  WebhookOutcome on_request(const HttpRequest& request) override;

 private:
  std::shared_ptr<const support::ServerApi> api_;
};

}  // namespace scanhook::jellyfin
