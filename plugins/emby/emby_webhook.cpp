#include "emby_webhook.hpp"

#include "scanhook/support/media_item_type.hpp"
#include "scanhook/support/webhook_json.hpp"

namespace scanhook::emby {

namespace {

std::string text_field(const support::WebhookObject& object, const std::string& name) {
  return object.text(name);
}

}  // namespace

WebhookOutcome EmbyWebhook::on_request(const HttpRequest& request) {
  const auto json = support::read_webhook_json(request, "data", "Emby");
  if (!json) return WebhookOutcome::malformed(json.error().message);
  const support::WebhookObject& payload = *json;
  const std::string event = text_field(payload, "Event");
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

  const auto item = payload.object("Item");
  const std::string path = item ? text_field(*item, "Path") : std::string{};
  if (path.empty()) return WebhookOutcome::malformed(event + " without Item.Path");
  const auto is_folder = item->flag("IsFolder");
  const bool is_file =
      is_folder ? !*is_folder : support::is_file_item_type(text_field(*item, "Type"));
  return WebhookOutcome::accepted({{path, is_file, kind, 0}}, event + " " + path);
}

}  // namespace scanhook::emby
