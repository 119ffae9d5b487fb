// A JSON text (strict RFC 8259) read once by simdjson's On-Demand parser into a
// flat array of nodes: a webhook body or a server's answer is read field by
// field without a tree of Poco::Dynamic::Var, and without a JSON parser of our
// own (simdjson is fuzzed upstream; this class only records what it reads).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "scanhook/expected.hpp"

namespace scanhook::support {

class JsonTree {
 public:
  enum class Type : std::uint8_t { null, boolean, number, string, array, object };
  static constexpr std::uint32_t kNone = UINT32_MAX;
  // Deeper nesting is refused (the walk recurses on the request thread's stack).
  static constexpr int kMaxDepth = 256;

  // The parsed text, or an Error whose message says what is wrong and where (a
  // byte offset from 0), for a 400. Every value is checked, read or not:
  // UTF-8, escapes, number syntax. A number beyond a double's range (1e400) is
  // refused: simdjson reads numbers as doubles (before simdjson it was kept as
  // text). Thread-safe: each thread parses with its own simdjson parser.
  static Expected<JsonTree> parse(std::string_view text);

  // Node 0 is the root. A node's children follow it; `end` is one past its last
  // descendant, so the next sibling of node i is end(i).
  Type type(std::uint32_t node) const { return nodes_[node].type; }
  // A string's decoded value; a number's text as written; "true"/"false" for a
  // boolean. Valid as long as the tree.
  std::string_view value(std::uint32_t node) const { return view(nodes_[node].value); }
  std::uint32_t first_child(std::uint32_t node) const { return node + 1; }
  std::uint32_t end(std::uint32_t node) const { return nodes_[node].end; }
  // The member of an object called `key`, or kNone. A repeated key reads its
  // LAST value, as Poco::JSON and JavaScript's JSON.parse do (RFC 8259 §4
  // leaves it open); simdjson's find_field would stop at the first, so every
  // member is recorded and this looks at all of them.
  std::uint32_t member(std::uint32_t object, std::string_view key) const;

 private:
  // Where a key or value is in strings_. Offsets rather than pointers, so that
  // moving the tree is safe.
  struct Span {
    std::uint32_t at = 0;
    std::uint32_t size = 0;
  };
  struct Node {
    Type type;
    std::uint32_t end;
    Span key;  // for an object's member
    Span value;
  };
  class Builder;

  std::string_view view(Span span) const {
    return std::string_view(strings_.data() + span.at, span.size);
  }

  std::string strings_;  // keys and values, decoded, one after another
  std::vector<Node> nodes_;
};

}  // namespace scanhook::support
