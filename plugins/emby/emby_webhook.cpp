#include "emby_webhook.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <stdexcept>

#include "scanhook/support/form_field.hpp"
#include "scanhook/support/media_item_type.hpp"

namespace scanhook::emby {

namespace {

std::string text_field(const Poco::JSON::Object& object, const std::string& name) {
  if (!object.has(name) || object.isNull(name)) return {};
  return object.get(name).toString();
}

}  // namespace

WebhookOutcome EmbyWebhook::on_request(const HttpRequest& request) {
  std::string json = request.body;
  if (support::is_form(request.content_type())) {
    std::optional<std::string> data;
    try {
      data = support::form_field(request.body, request.content_type(), "data");
    } catch (const std::runtime_error& error) {
      return WebhookOutcome::malformed(error.what());
    }
    if (!data) return WebhookOutcome::malformed("the form has no field \"data\" with Emby's JSON");
    json = *data;
  }
  Poco::JSON::Object::Ptr payload;
  try {
    const auto parsed = Poco::JSON::Parser().parse(json);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      payload = parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  if (!payload) return WebhookOutcome::malformed("the body is not Emby's JSON object");
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
