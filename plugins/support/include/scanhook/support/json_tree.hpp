// A JSON text parsed once into a flat array of nodes (strict RFC 8259): a
// webhook body is read field by field without a tree of Poco::Dynamic::Var.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace scanhook::support {

class JsonTree {
 public:
  enum class Type : std::uint8_t { null, boolean, number, string, array, object };
  static constexpr std::uint32_t kNone = UINT32_MAX;

  // The parsed text, or nullopt with `error` saying what is wrong.
  static std::optional<JsonTree> parse(std::string_view text, std::string& error);

  // Node 0 is the root. A node's children follow it; `end` is one past its last
  // descendant, so the next sibling of node i is end(i).
  Type type(std::uint32_t node) const { return nodes_[node].type; }
  // A string's decoded value; a number's text; "true"/"false" for a boolean.
  // Valid as long as the tree.
  std::string_view value(std::uint32_t node) const { return view(nodes_[node].value); }
  std::uint32_t first_child(std::uint32_t node) const { return node + 1; }
  std::uint32_t end(std::uint32_t node) const { return nodes_[node].end; }
  // The member of an object called `key` (the last one if repeated), or kNone.
  std::uint32_t member(std::uint32_t object, std::string_view key) const;

 private:
  // Where a key or value is: in the text itself when it holds no escape (most
  // do, and then parsing copies and allocates nothing for it), else in
  // decoded_. Offsets rather than pointers, so that moving the tree is safe.
  struct Span {
    std::uint32_t at = 0;
    std::uint32_t size = 0;
    bool decoded = false;
  };
  struct Node {
    Type type;
    std::uint32_t end;
    Span key;  // for an object's member
    Span value;
  };
  class Reader;

  std::string_view view(Span span) const {
    return std::string_view((span.decoded ? decoded_ : text_).data() + span.at, span.size);
  }

  std::string text_;     // a copy of the parsed text
  std::string decoded_;  // the strings that held escapes, decoded, one after another
  std::vector<Node> nodes_;
};

}  // namespace scanhook::support
