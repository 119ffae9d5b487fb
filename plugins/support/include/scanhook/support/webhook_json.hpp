// The JSON object a media server's webhook carries: the body itself, or, for a
// form body, one field of it (Plex: "payload", Emby: "data"). Read through
// JsonTree (simdjson), like the *arr webhooks.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "scanhook/expected.hpp"
#include "scanhook/http.hpp"
#include "scanhook/support/json_tree.hpp"

namespace scanhook::support {

// One object of a webhook's JSON, read member by member. A repeated member
// reads its last value (JsonTree::member); null reads as absent.
class WebhookObject {
 public:
  // `text` as one JSON object, or an Error saying what is wrong.
  static Expected<WebhookObject> parse(std::string_view text);

  // A member as text, as the Poco::JSON reader before it gave it: a string as
  // is, a number as written, "true"/"false"; empty when absent, null, an
  // object or an array.
  std::string text(std::string_view name) const;
  // A member that is a JSON boolean, or nullopt.
  std::optional<bool> flag(std::string_view name) const;
  // A member that is an object, or nullopt.
  std::optional<WebhookObject> object(std::string_view name) const;

 private:
  WebhookObject(std::shared_ptr<const JsonTree> tree, std::uint32_t node)
      : tree_(std::move(tree)), node_(node) {}

  std::shared_ptr<const JsonTree> tree_;
  std::uint32_t node_;  // an object of tree_
};

// The body's object, or an Error saying why there is none, for a 400. `product`
// names the sender in the error ("the body is not Plex's JSON object").
Expected<WebhookObject> read_webhook_json(const HttpRequest& request,
                                          const std::string& form_field_name,
                                          const std::string& product);

}  // namespace scanhook::support
