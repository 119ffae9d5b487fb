// The JSON object a media server's webhook carries: the body itself, or, for a
// form body, one field of it (Plex: "payload", Emby: "data").
#pragma once

#include <Poco/JSON/Object.h>

#include <string>

#include "scanhook/http.hpp"

namespace scanhook::support {

struct WebhookJson {
  Poco::JSON::Object::Ptr object;  // null when the body has none
  std::string error;               // why, for a 400
};

// `product` names the sender in the error ("the body is not Plex's JSON object").
WebhookJson read_webhook_json(const HttpRequest& request, const std::string& form_field_name,
                              const std::string& product);

}  // namespace scanhook::support
