#include "scanhook/support/arr_payload.hpp"

#include <string_view>

namespace scanhook::support {

using Type = JsonTree::Type;

Expected<ArrPayload> ArrPayload::parse(const std::string& body) {
  // Checked first: a parser's messages for these say nothing useful.
  const auto first = body.find_first_not_of(" \t\r\n");
  if (first == std::string::npos) return failure("body is empty");
  if (body[first] != '{') return failure("body is not a JSON object");
  auto tree = JsonTree::parse(body);
  if (!tree) return failure("body is not valid JSON: " + tree.error().message);
  return ArrPayload(std::make_shared<const JsonTree>(std::move(tree).value()), 0);
}

std::uint32_t ArrPayload::find(const std::string& field) const {
  std::uint32_t current = node_;
  std::string_view rest = field;
  while (current != JsonTree::kNone) {
    const auto dot = rest.find('.');
    current = tree_->member(current, rest.substr(0, dot));
    if (dot == std::string_view::npos) break;
    rest.remove_prefix(dot + 1);
  }
  // JSON null reads as absent, as it did with Poco (an empty Var).
  if (current != JsonTree::kNone && tree_->type(current) == Type::null) return JsonTree::kNone;
  return current;
}

std::optional<std::string> ArrPayload::text(const std::string& field) const {
  const auto node = find(field);
  if (node == JsonTree::kNone || tree_->type(node) != Type::string || tree_->value(node).empty())
    return std::nullopt;
  return std::string(tree_->value(node));
}

std::optional<bool> ArrPayload::flag(const std::string& field) const {
  const auto node = find(field);
  if (node == JsonTree::kNone || tree_->type(node) != Type::boolean) return std::nullopt;
  return tree_->value(node) == "true";
}

std::optional<ArrPayload> ArrPayload::object(const std::string& field) const {
  const auto node = find(field);
  if (node == JsonTree::kNone || tree_->type(node) != Type::object) return std::nullopt;
  return ArrPayload(tree_, node);
}

std::optional<std::vector<ArrPayload>> ArrPayload::objects(const std::string& field) const {
  const auto node = find(field);
  if (node == JsonTree::kNone || tree_->type(node) != Type::array) return std::nullopt;
  std::vector<ArrPayload> elements;
  for (auto element = tree_->first_child(node); element < tree_->end(node);
       element = tree_->end(element))
    elements.push_back(
        ArrPayload(tree_, tree_->type(element) == Type::object ? element : JsonTree::kNone));
  return elements;
}

}  // namespace scanhook::support
