#include "emby_webhook.hpp"

#include <Poco/JSON/Object.h>

#include "scanhook/support/media_item_type.hpp"
#include "scanhook/support/webhook_json.hpp"

namespace scanhook::emby {

namespace {

std::string text_field(const Poco::JSON::Object& object, const std::string& name) {
  if (!object.has(name) || object.isNull(name)) return {};
  return object.get(name).toString();
}

}  // namespace

WebhookOutcome EmbyWebhook::on_request(const HttpRequest& request) {
  const auto json = support::read_webhook_json(request, "data", "Emby");
  if (!json.object) return WebhookOutcome::malformed(json.error);
  const Poco::JSON::Object::Ptr& payload = json.object;
  const std::string event = text_field(*payload, "Event");
  if (event.empty()) return WebhookOutcome::malformed("the body has no Event");
  if (event == "system.notificationtest")
    return WebhookOutcome::ignored("test notification received");
  EventKind kind;
  if (event == "library.new")
    kind = EventKind::created;
  else if (event == "library.deleted")
    kind = EventKind::deleted;
  else
    return WebhookOutcome::ignored(event + " changes no files");

  const auto item = payload->getObject("Item");
  const std::string path = item ? text_field(*item, "Path") : std::string{};
  if (path.empty()) return WebhookOutcome::malformed(event + " without Item.Path");
  const bool is_file = item->has("IsFolder") && !item->isNull("IsFolder")
                           ? !item->getValue<bool>("IsFolder")
                           : support::is_file_item_type(text_field(*item, "Type"));
  return WebhookOutcome::accepted({{path, is_file, kind, 0}}, event + " " + path);
}

}  // namespace scanhook::emby
