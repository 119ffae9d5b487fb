#include "scanhook/support/webhook_json.hpp"

#include <stdexcept>

#include "scanhook/support/form_field.hpp"

namespace scanhook::support {

using Type = JsonTree::Type;

Expected<WebhookObject> WebhookObject::parse(std::string_view text) {
  auto tree = JsonTree::parse(text);
  if (!tree) return tree.error();
  if (tree->type(0) != Type::object) return failure("the JSON is not an object");
  return WebhookObject(std::make_shared<const JsonTree>(std::move(tree).value()), 0);
}

std::string WebhookObject::text(std::string_view name) const {
  const auto node = tree_->member(node_, name);
  if (node == JsonTree::kNone) return {};
  switch (tree_->type(node)) {
    case Type::string:
    case Type::number:
    case Type::boolean: return std::string(tree_->value(node));
    default: return {};
  }
}

std::optional<bool> WebhookObject::flag(std::string_view name) const {
  const auto node = tree_->member(node_, name);
  if (node == JsonTree::kNone || tree_->type(node) != Type::boolean) return std::nullopt;
  return tree_->value(node) == "true";
}

std::optional<WebhookObject> WebhookObject::object(std::string_view name) const {
  const auto node = tree_->member(node_, name);
  if (node == JsonTree::kNone || tree_->type(node) != Type::object) return std::nullopt;
  return WebhookObject(tree_, node);
}

Expected<WebhookObject> read_webhook_json(const HttpRequest& request,
                                          const std::string& form_field_name,
                                          const std::string& product) {
  std::optional<std::string> field;
  if (is_form(request.content_type())) {
    try {
      field = form_field(request.body, request.content_type(), form_field_name);
    } catch (const std::runtime_error& error) {
      return failure(error.what());
    }
    if (!field)
      return failure("the form has no field \"" + form_field_name + "\" with " + product +
                     "'s JSON");
  }
  auto object = WebhookObject::parse(field ? *field : request.body);
  if (!object) return failure("the body is not " + product + "'s JSON object");
  return object;
}

}  // namespace scanhook::support
