// Plex's webhooks → scan events. Plex posts multipart/form-data with the JSON
// in the field `payload` (and a JPEG `thumb` for some events). library.new
// names only the item's ratingKey: its files come from the configured Plex.
// Plex never resends a webhook: a failed lookup is answered 5xx (kept as a dead letter).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "scanhook/support/server_api.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::plex {

class PlexWebhook final : public WebhookSourceBase {
 public:
  explicit PlexWebhook(std::shared_ptr<const support::ServerApi> api) : api_(std::move(api)) {}

 protected:
  WebhookOutcome on_request(const HttpRequest& request) override;

 private:
  // The configured server's machineIdentifier, read once; nullopt while unreadable.
  std::optional<std::string> machine_identifier();

  std::shared_ptr<const support::ServerApi> api_;
  std::mutex mutex_;
  std::optional<std::string> machine_identifier_;
};

}  // namespace scanhook::plex
