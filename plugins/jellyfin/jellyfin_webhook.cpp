#include "jellyfin_webhook.hpp"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "jellyfin_api.hpp"
#include "scanhook/support/media_item_type.hpp"

namespace scanhook::jellyfin {

namespace {

constexpr const char* kTemplateHint =
    "turn on \"Send All Properties\" for this webhook in Jellyfin (see the jellyfin plugin README)";

Poco::JSON::Object::Ptr parse_object(const std::string& body) {
  try {
    const auto parsed = Poco::JSON::Parser().parse(body);
    if (parsed.type() == typeid(Poco::JSON::Object::Ptr))
      return parsed.extract<Poco::JSON::Object::Ptr>();
  } catch (const Poco::Exception&) {
  }
  return nullptr;
}

std::string text_field(const Poco::JSON::Object& object, const std::string& name) {
  if (!object.has(name) || object.isNull(name)) return {};
  return object.get(name).toString();
}

}  // namespace

WebhookOutcome JellyfinWebhook::on_request(const HttpRequest& request) {
  const auto payload = parse_object(request.body);
  if (!payload)
    return WebhookOutcome::malformed("the body is not a JSON object: " +
                                     std::string(kTemplateHint));
  const std::string type = text_field(*payload, "NotificationType");
  if (type.empty())
    return WebhookOutcome::malformed("the body has no NotificationType: " +
                                     std::string(kTemplateHint));
  EventKind kind;
  if (type == "ItemAdded")
    kind = EventKind::created;
  else if (type == "ItemDeleted")
    kind = EventKind::deleted;
  else
    return WebhookOutcome::ignored(type + " changes no files");

  const std::string item_id = text_field(*payload, "ItemId");
  std::string path = text_field(*payload, "Path");
  if (path.empty()) path = text_field(*payload, "ItemPath");
  if (!path.empty()) {
    const bool is_file = support::is_file_item_type(text_field(*payload, "ItemType"));
    return WebhookOutcome::accepted({{path, is_file, kind, 0}}, type + " " + path);
  }
  if (item_id.empty())
    return WebhookOutcome::malformed(type + " without Path or ItemId: " + kTemplateHint);
  if (kind == EventKind::deleted) {
    // The item is gone from Jellyfin's database: only the body could have named its path.
    const std::string why = "ItemDeleted for item " + item_id +
                            " has no Path, and Jellyfin no longer knows the item: " + kTemplateHint;
    api_->host().log(LogLevel::warning, why);
    return WebhookOutcome::ignored(why);
  }

  const std::string lookup = item_lookup(item_id);
  const auto response = api_->get(lookup);
  if (!response.success()) {
    const Result why = api_->verdict(response, "GET " + lookup);
    const std::string message = "could not look up item " + item_id + ": " + why.reason;
    api_->host().log(LogLevel::error,
                     message +
                         " (Jellyfin does not resend webhooks: the request is kept as a dead " +
                         "letter, replay it once Jellyfin answers)");
    return WebhookOutcome::failed(response.answered() ? 502 : 503, message);
  }
  std::optional<ItemPath> found;
  try {
    found = parse_item_lookup(response.body);
  } catch (const std::exception& error) {
    return WebhookOutcome::failed(502,
                                  "Jellyfin answered GET " + lookup +
                                      " with something that is not an item list: " + error.what());
  }
  if (!found) return WebhookOutcome::ignored("Jellyfin knows no item " + item_id + " with a path");
  return WebhookOutcome::accepted({{found->path, found->is_file, kind, 0}},
                                  type + " " + found->path);
}

}  // namespace scanhook::jellyfin
