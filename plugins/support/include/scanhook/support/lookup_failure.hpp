// The answer to a media-server webhook whose item lookup failed (Plex,
// Jellyfin): neither product resends a webhook, so the request must become a
// dead letter to replay, with the server's reason and one error log line.
#pragma once

#include <string>

#include "scanhook/support/server_api.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::support {

// 503 when the server could not be reached, 502 when it answered but not
// usefully. `what` names the item ("item 5123"), `request` the call
// ("GET /library/metadata/5123").
WebhookOutcome lookup_failure(const ServerApi& api, const std::string& what,
                              const HttpResponse& response, const std::string& request);

}  // namespace scanhook::support
