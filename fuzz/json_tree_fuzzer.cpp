// The plugins' JSON reader (plugins/support JsonTree over simdjson On-Demand):
// every webhook body and server answer goes through it. Parses the input and
// walks every node the way the plugins read them. Finding: a crash, a
// sanitizer report, an exception, or a tree whose node links point outside it.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "scanhook/support/json_tree.hpp"
#include "scanhook/support/webhook_json.hpp"

namespace {

using scanhook::support::JsonTree;

// Visits node `at` and its descendants; returns one past the last.
std::uint32_t walk(const JsonTree& tree, std::uint32_t at, std::uint32_t limit) {
  const std::uint32_t end = tree.end(at);
  if (end <= at || end > limit) std::abort();
  (void)tree.value(at);
  const auto type = tree.type(at);
  if (type == JsonTree::Type::array || type == JsonTree::Type::object) {
    for (std::uint32_t child = tree.first_child(at); child < end;) child = walk(tree, child, end);
    if (type == JsonTree::Type::object) {
      (void)tree.member(at, "eventType");
      (void)tree.member(at, "");
    }
  }
  return end;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  if (const auto tree = JsonTree::parse(text)) {
    walk(*tree, 0, tree->end(0));
  } else if (tree.error().message.empty()) {
    std::abort();  // a refusal must say why
  }
  if (const auto object = scanhook::support::WebhookObject::parse(text)) {
    (void)object->text("eventType"), (void)object->flag("isUpgrade");
    if (const auto series = object->object("series")) (void)series->text("path");
  }
  return 0;
}
