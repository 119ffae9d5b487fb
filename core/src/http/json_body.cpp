#include "scanhook/core/http/json_body.hpp"

namespace scanhook::core {

using support::JsonTree;

Expected<JsonTree> json_body(const HttpRequest& request) {
  auto tree = JsonTree::parse(request.body);
  if (!tree) return failure("the body is not valid JSON: " + tree.error().message);
  if (tree->type(0) != JsonTree::Type::object) return failure("the body must be a JSON object");
  return tree;
}

std::optional<std::string> json_string(const JsonTree& tree, std::uint32_t node,
                                       std::string_view key) {
  const auto member = tree.member(node, key);
  if (member == JsonTree::kNone || tree.type(member) != JsonTree::Type::string) return std::nullopt;
  return std::string(tree.value(member));
}

}  // namespace scanhook::core
