// Emby's webhooks → scan events: JSON, or a form with the JSON in the field
// `data`; library.new and library.deleted name the item's Path.
#pragma once

#include "scanhook/webhook_source.hpp"

namespace scanhook::emby {

class EmbyWebhook final : public WebhookSourceBase {
 protected:
  WebhookOutcome on_request(const HttpRequest& request) override;
};

}  // namespace scanhook::emby
