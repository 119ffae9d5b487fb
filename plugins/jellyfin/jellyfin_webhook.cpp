#include "jellyfin_webhook.hpp"

#include <tuple>
#include <utility>

#include "scanhook/support/lookup_failure.hpp"
#include "scanhook/support/media_item_type.hpp"
#include "scanhook/support/webhook_json.hpp"

namespace scanhook::jellyfin {

namespace {

constexpr const char* kTemplateHint =
    "use the template from the jellyfin plugin README, or turn on \"Send All Properties\" for this "
    "webhook in Jellyfin";

std::string text_field(const support::WebhookObject& object, const std::string& name) {
  return object.text(name);
}

// Jellyfin 10.8.0-10.8.7 throw on /Items with an API key and no user id.
bool needs_user(const support::HttpResponse& response) {
  return response.status == 500;
}

}  // namespace

support::HttpResponse JellyfinWebhook::get_items(const std::string& query, std::string& route) {
  std::optional<std::string> user;
  {
    std::lock_guard lock(mutex_);
    user = user_id_;
  }
  route = user ? user_items_route(*user, query) : items_route(query);
  auto response = api_->get(route);
  if (user || !needs_user(response)) return response;

  // Jellyfin before 10.8.8: look items up as an administrator from now on.
  const auto users = api_->get(kUsers);
  if (!users.success()) {
    route = kUsers;
    return users;
  }
  try {
    user = parse_administrator(users.body);
  } catch (const std::exception&) {
    user.reset();
  }
  if (!user) return response;  // the 500 stands, with its reason
  {
    std::lock_guard lock(mutex_);
    user_id_ = user;
  }
  api_->host().log(LogLevel::info,
                   "Jellyfin answered HTTP 500 to GET " + route +
                       " (Jellyfin 10.8.0 to 10.8.7 need a user id there): items are looked up "
                       "as administrator " +
                       *user + " from now on");
  route = user_items_route(*user, query);
  return api_->get(route);
}

JellyfinWebhook::Lookup JellyfinWebhook::look_up(const std::string& query, const std::string& what,
                                                 Pick pick, const std::string& name,
                                                 const std::string& artist) {
  std::string route;
  const auto response = get_items(query, route);
  if (!response.success())
    return {std::nullopt, support::lookup_failure(*api_, what, response, "GET " + route)};
  try {
    return {pick(response.body, name, artist), std::nullopt};
  } catch (const std::exception& error) {
    return {std::nullopt,
            WebhookOutcome::failed(
                502, "Jellyfin answered GET " + route +
                         " with something that is not an item list: " + error.what())};
  }
}

JellyfinWebhook::Lookup JellyfinWebhook::look_up_id(const std::string& item_id) {
  return look_up(id_query(item_id), "item " + item_id,
                 [](const std::string& body, const std::string&, const std::string&) {
                   return parse_item_lookup(body);
                 });
}

WebhookOutcome JellyfinWebhook::nearest_parent(const support::WebhookObject& payload,
                                               const std::string& what,
                                               const std::string& item_id) {
  const auto scan = [&](const ItemPath& found, const std::string& parent) {
    return WebhookOutcome::accepted({{found.path, found.is_file, EventKind::modified, 0}},
                                    "ItemDeleted " + what + ": scanning " + found.path +
                                        ", the folder of its " + parent +
                                        " (the nearest one Jellyfin still knows)");
  };
  // Episodes: by id (plugin v12+).
  for (const auto& [field, parent] : {std::pair{"SeasonId", "season"}, {"SeriesId", "series"}}) {
    const std::string parent_id = text_field(payload, field);
    if (parent_id.empty()) continue;
    auto lookup = look_up_id(parent_id);
    if (lookup.failure) return std::move(*lookup.failure);
    if (lookup.found) return scan(*lookup.found, parent);
  }
  // Tracks: the album and the artist by name (the plugin sends no id of either).
  const std::string artist = text_field(payload, "Artist");
  for (const auto& [type, name, parent] :
       {std::tuple{"MusicAlbum", text_field(payload, "Album"), "album"},
        std::tuple{"MusicArtist", artist, "artist"}}) {
    if (name.empty()) continue;
    auto lookup = look_up(name_query(type, name), std::string(parent) + " \"" + name + "\"",
                          parse_named_item, name, std::string(type) == "MusicAlbum" ? artist : "");
    if (lookup.failure) return std::move(*lookup.failure);
    if (lookup.found) return scan(*lookup.found, parent);
  }
  const std::string why = "ItemDeleted " + what + " (item " + item_id +
                          "): Jellyfin's webhook names no path and no season, series, album or "
                          "artist Jellyfin still knows, so there is no folder to scan";
  // No folder, but not nothing: the history keeps the item by name (the core
  // keeps a path the door refuses as sent) and logs one line.
  api_->host().record_dropped(
      {"Jellyfin " + what + " (item " + item_id + ")", false, EventKind::deleted, 0}, why);
  return WebhookOutcome::ignored(why);
}

WebhookOutcome JellyfinWebhook::on_request(const HttpRequest& request) {
  const auto payload = support::WebhookObject::parse(request.body);
  if (!payload)
    return WebhookOutcome::malformed("the body is not a JSON object: " +
                                     std::string(kTemplateHint));
  const std::string type = text_field(*payload, "NotificationType");
  if (type.empty())
    return WebhookOutcome::malformed("the body has no NotificationType: " +
                                     std::string(kTemplateHint));
  if (type != "ItemAdded" && type != "ItemDeleted")
    return WebhookOutcome::ignored(type + " changes no files");
  const bool deleted = type == "ItemDeleted";

  const std::string item_id = text_field(*payload, "ItemId");
  const std::string item_type = text_field(*payload, "ItemType");
  const std::string what =
      (item_type.empty() ? "item" : item_type) + " \"" + text_field(*payload, "Name") + "\"";
  const std::string path = text_field(*payload, "Path");
  if (!path.empty()) {
    const bool is_file = support::is_file_item_type(item_type);
    return WebhookOutcome::accepted(
        {{path, is_file, deleted ? EventKind::deleted : EventKind::created, 0}}, type + " " + path);
  }
  if (item_id.empty()) return WebhookOutcome::malformed(type + " without ItemId: " + kTemplateHint);

  if (!deleted) {
    auto lookup = look_up_id(item_id);
    if (lookup.failure) return std::move(*lookup.failure);
    if (!lookup.found)
      return WebhookOutcome::ignored("Jellyfin knows no item " + item_id + " with a path");
    return WebhookOutcome::accepted(
        {{lookup.found->path, lookup.found->is_file, EventKind::created, 0}},
        type + " " + lookup.found->path);
  }

  // The deleted item is gone from Jellyfin: scan the nearest parent it still knows.
  return nearest_parent(*payload, what, item_id);
}

}  // namespace scanhook::jellyfin
