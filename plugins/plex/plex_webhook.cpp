#include "plex_webhook.hpp"

#include "plex_api.hpp"
#include "scanhook/support/lookup_failure.hpp"
#include "scanhook/support/webhook_json.hpp"

namespace scanhook::plex {

namespace {

std::string text_field(const std::optional<support::WebhookObject>& object,
                       const std::string& name) {
  return object ? object->text(name) : std::string{};
}

}  // namespace

std::optional<std::string> PlexWebhook::machine_identifier() {
  std::lock_guard lock(mutex_);
  if (machine_identifier_) return machine_identifier_;
  const auto response = api_->get_public(kIdentity);
  if (!response.success()) return std::nullopt;
  try {
    machine_identifier_ = parse_machine_identifier(response.body);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  return machine_identifier_;
}

WebhookOutcome PlexWebhook::on_request(const HttpRequest& request) {
  const auto json = support::read_webhook_json(request, "payload", "Plex");
  if (!json) return WebhookOutcome::malformed(json.error().message);
  const std::optional<support::WebhookObject> payload = *json;
  const std::string event = text_field(payload, "event");
  if (event.empty()) return WebhookOutcome::malformed("the payload has no event");
  if (event != "library.new") return WebhookOutcome::ignored(event + " changes no files");

  const auto metadata = payload->object("Metadata");
  const std::string rating_key = text_field(metadata, "ratingKey");
  if (rating_key.empty())
    return WebhookOutcome::malformed("library.new without Metadata.ratingKey");
  const std::string title = text_field(metadata, "title");

  // Plex sends every server of the account to the same webhook URL; ratingKeys
  // are only meaningful on the server that sent them.
  const std::string sender = text_field(payload->object("Server"), "uuid");
  if (!sender.empty()) {
    const auto ours = machine_identifier();
    if (ours && *ours != sender)
      return WebhookOutcome::ignored("library.new from another Plex server (" + sender +
                                     "), not the one at " + api_->url(""));
  }

  const std::string route = metadata_route(rating_key);
  const auto response = api_->get(route);
  if (response.status == 404)
    return WebhookOutcome::ignored("Plex no longer has item " + rating_key + " (" + title + ")");
  if (!response.success())
    return support::lookup_failure(*api_, "item " + rating_key, response, "GET " + route);
  std::vector<ScanEvent> events;
  std::string type;
  try {
    events = parse_item_paths(response.body);
    type = parse_item_type(response.body);
  } catch (const std::exception& error) {
    return WebhookOutcome::failed(502,
                                  "Plex answered GET " + route +
                                      " with something that is not item metadata: " + error.what());
  }
  if (type.empty()) type = text_field(metadata, "type");
  const std::string what = (type.empty() ? "item" : type) + " " + rating_key + " (" + title + ")";
  if (events.empty() && files_are_children(type)) {
    // A season or an album lists no file of its own: its episodes or tracks do.
    const std::string children = children_route(rating_key);
    const auto listed = api_->get(children);
    if (listed.status == 404) return WebhookOutcome::ignored("Plex no longer has " + what);
    if (!listed.success())
      return support::lookup_failure(*api_, "the children of " + what, listed, "GET " + children);
    try {
      events = parse_item_paths(listed.body);
    } catch (const std::exception& error) {
      return WebhookOutcome::failed(
          502, "Plex answered GET " + children +
                   " with something that is not item metadata: " + error.what());
    }
  }
  if (events.empty())
    return WebhookOutcome::ignored(
        "library.new for Plex " + what + ": " +
        (files_are_children(type) ? std::string("none of its children has a file")
                                  : "Plex gives no file or folder for it (only movies, episodes, "
                                    "tracks and clips have files; shows and artists folders; "
                                    "seasons and albums their children's files)"));
  for (auto& event_path : events) event_path.kind = EventKind::created;
  return WebhookOutcome::accepted(std::move(events), "library.new " + what);
}

}  // namespace scanhook::plex
