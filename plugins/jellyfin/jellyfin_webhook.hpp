// Jellyfin's webhook plugin → scan events. The body is user-templated JSON
// (often sent as text/plain). The plugin sends no file path in any released
// version (v1-v21, its DataObjectHelpers), only ids: ItemAdded is resolved
// through the item's ItemId; ItemDeleted, whose item is gone, through the
// nearest folder Jellyfin still knows: SeasonId, then SeriesId (sent from
// plugin v12, Jellyfin 10.9); a track names its Album and Artist by name only,
// so those are searched by name. A Path in the body is used as is.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "jellyfin_api.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/support/webhook_json.hpp"
#include "scanhook/webhook_source.hpp"

namespace scanhook::jellyfin {

class JellyfinWebhook final : public WebhookSourceBase {
 public:
  explicit JellyfinWebhook(std::shared_ptr<const support::ServerApi> api) : api_(std::move(api)) {}

 protected:
  WebhookOutcome on_request(const HttpRequest& request) override;

 private:
  // What a lookup of one item id found: its path, nothing, or a failure to answer with.
  struct Lookup {
    std::optional<ItemPath> found;
    std::optional<WebhookOutcome> failure;
  };
  using Pick = std::optional<ItemPath> (*)(const std::string& body, const std::string& name,
                                           const std::string& artist);
  // GET /Items<query>; `what` names it in errors; `pick` reads the answer.
  Lookup look_up(const std::string& query, const std::string& what, Pick pick,
                 const std::string& name = "", const std::string& artist = "");
  Lookup look_up_id(const std::string& item_id);
  // GET /Items<query>, or /Users/{id}/Items<query> once Jellyfin (10.8.0-10.8.7)
  // refused the former; `route` is set to what was asked.
  support::HttpResponse get_items(const std::string& query, std::string& route);
  // The nearest folder of a deleted item Jellyfin still knows, with which one it is.
  WebhookOutcome nearest_parent(const support::WebhookObject& payload, const std::string& what,
                                const std::string& item_id);

  std::shared_ptr<const support::ServerApi> api_;
  std::mutex mutex_;
  std::optional<std::string> user_id_;  // set once /Items needed a user
};

}  // namespace scanhook::jellyfin
