#include "scanhook/support/json_tree.hpp"

#include <simdjson.h>

#include <cstring>
#include <optional>
#include <stdexcept>

namespace scanhook::support {

namespace od = simdjson::ondemand;

namespace {

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// strings_ starts with these, so a boolean's value costs no copy.
constexpr std::string_view kTrueFalse = "truefalse";

std::string byte_text(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  static const char* const kHex = "0123456789abcdef";
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 15];
}

// simdjson's own messages name its internals ("tape"); these name the text.
std::string what_is_wrong(simdjson::error_code code) {
  switch (code) {
    case simdjson::EMPTY: return "unexpected end of text, expected a value";
    case simdjson::UTF8_ERROR: return "the text is not valid UTF-8";
    case simdjson::UNESCAPED_CHARS: return "a control character is not escaped in a string";
    case simdjson::UNCLOSED_STRING: return "unexpected end of text in a string";
    case simdjson::INCOMPLETE_ARRAY_OR_OBJECT:
      return "an object or array is not closed where the text ends";
    case simdjson::STRING_ERROR: return "invalid escape in a string";
    case simdjson::CAPACITY: return "the text is longer than simdjson reads (4 GiB)";
    default: return simdjson::error_message(code);
  }
}

[[noreturn]] void fail(const std::string& what) {
  throw Malformed(what);
}

void check(simdjson::error_code code) {
  if (code) fail(what_is_wrong(code));
}

// The value's text as written, from its first byte to the next structural
// byte or blank (empty at the end of the text).
std::string_view raw_token(od::value& value) {
  return value.raw_json_token();
}

std::string_view raw_token(od::document& document) {
  std::string_view token;
  if (document.raw_json_token().get(token)) return {};
  return token;
}

}  // namespace

// Walks the whole document once, in order, recording every node: simdjson
// checks each value as it is read, and member() can then pick the last of
// repeated keys.
class JsonTree::Builder {
 public:
  Builder(JsonTree& tree, od::document& doc, std::string_view text)
      : tree_(tree), doc_(doc), text_(text) {}

  void document() {
    tree_.strings_.resize(kTrueFalse.size() + text_.size());
    tree_.strings_.replace(0, kTrueFalse.size(), kTrueFalse);
    used_ = kTrueFalse.size();
    value(doc_, Span{}, 0);
    if (const char* rest = current())
      fail("unexpected byte " + byte_text(*rest) + " after the value");
    tree_.strings_.resize(used_);
  }

 private:
  // Where simdjson is in the text, or nullptr at its end.
  const char* current() {
    const char* at = nullptr;
    if (doc_.current_location().get(at) || at >= text_.data() + text_.size()) return nullptr;
    return at;
  }

  Node& add(Type type, Span key) { return tree_.nodes_.emplace_back(Node{type, 0, key, {}}); }

  // Keys and values never need more room than the text they come from
  // (decoding only shortens), so strings_ is sized once and filled with
  // memcpy; finish() cuts it to what was used.
  Span store(std::string_view text) {
    if (used_ + text.size() > tree_.strings_.size()) tree_.strings_.resize(used_ + text.size());
    std::memcpy(tree_.strings_.data() + used_, text.data(), text.size());
    const Span span{static_cast<std::uint32_t>(used_), static_cast<std::uint32_t>(text.size())};
    used_ += text.size();
    return span;
  }

  // A value that starts with a byte no JSON value starts with, or a literal
  // that is not quite true, false or null.
  template <typename Source>
  [[noreturn]] static void unexpected(Source& source) {
    const std::string_view token = raw_token(source);
    if (token.empty()) fail("unexpected end of text, expected a value");
    fail("unexpected byte " + byte_text(token.front()) + " in value");
  }

  // `Source` is the document (for the root) or a value.
  template <typename Source>
  void value(Source& source, Span key, int depth) {
    const auto node = static_cast<std::uint32_t>(tree_.nodes_.size());
    od::json_type type;
    if (source.type().get(type)) unexpected(source);
    switch (type) {
      case od::json_type::object: {
        if (depth >= kMaxDepth) fail("nesting is deeper than " + std::to_string(kMaxDepth));
        add(Type::object, key);
        od::object object;
        check(source.get_object().get(object));
        members(object, depth + 1);
        break;
      }
      case od::json_type::array: {
        if (depth >= kMaxDepth) fail("nesting is deeper than " + std::to_string(kMaxDepth));
        add(Type::array, key);
        od::array array;
        check(source.get_array().get(array));
        elements(array, depth + 1);
        break;
      }
      case od::json_type::string: {
        std::string_view text;
        check(source.get_string().get(text));
        add(Type::string, key).value = store(text);
        break;
      }
      case od::json_type::number: {
        // The text as written is kept (an id may not survive a double); the
        // double is read only to have simdjson check the number.
        std::string_view token = raw_token(source);
        token = token.substr(0, token.find_first_of(" \t\r\n"));
        double checked = 0;
        if (source.get_double().get(checked))
          fail("invalid number " + std::string(token) + " (not JSON, or beyond a double's range)");
        add(Type::number, key).value = store(token);
        break;
      }
      case od::json_type::boolean: {
        bool truth = false;
        if (source.get_bool().get(truth)) unexpected(source);
        add(Type::boolean, key).value = truth ? Span{0, 4} : Span{4, 5};
        break;
      }
      case od::json_type::null: {
        bool is_null = false;
        if (source.is_null().get(is_null) || !is_null) unexpected(source);
        add(Type::null, key);
        break;
      }
    }
    tree_.nodes_[node].end = static_cast<std::uint32_t>(tree_.nodes_.size());
  }

  void members(od::object& object, int depth) {
    for (auto field : object) {
      od::field member;
      if (std::move(field).get(member)) {
        const char* at = current();
        if (!at) fail("expected ',' or '}' after member value");
        fail("unexpected byte " + byte_text(*at) +
             " in an object (members are \"name\": value, separated by ',')");
      }
      std::string_view name;
      check(member.unescaped_key().get(name));
      value(member.value(), store(name), depth);
    }
  }

  void elements(od::array& array, int depth) {
    for (auto element : array) {
      od::value item;
      if (std::move(element).get(item)) fail("expected ',' or ']' after array element");
      value(item, Span{}, depth);
    }
  }

  JsonTree& tree_;
  od::document& doc_;
  std::string_view text_;
  std::size_t used_ = 0;  // bytes of strings_ holding keys and values
};

Expected<JsonTree> JsonTree::parse(std::string_view text) {
  if (text.size() > UINT32_MAX) return failure("the text is longer than 4 GiB");
  // One parser and one padded copy of the text per request thread, reused:
  // simdjson reads up to SIMDJSON_PADDING bytes past the end, and allocating
  // its buffers for each body would cost more than the parse. After a body
  // over kKeptCapacity they are let go: simdjson's buffers are ~6 bytes per
  // byte of text, and max_body_size (16 MiB) times the request threads would
  // otherwise stay allocated.
  constexpr std::size_t kKeptCapacity = 64 * 1024;
  thread_local od::parser parser;
  thread_local std::string padded;
  padded.assign(text);
  padded.resize(text.size() + simdjson::SIMDJSON_PADDING);
  JsonTree tree;
  tree.nodes_.reserve(text.size() / 16);  // about one node per 16 bytes in *arr webhooks
  std::optional<Error> error;
  try {
    od::document doc;
    const std::string_view padded_text(padded.data(), text.size());
    check(parser.iterate(padded.data(), text.size(), padded.size()).get(doc));
    Builder(tree, doc, padded_text).document();
  } catch (const Malformed& malformed) {
    error = failure(malformed.what());
  }
  if (parser.capacity() > kKeptCapacity) {
    parser = od::parser{};
    padded = std::string{};
  }
  if (error) return *error;
  return tree;
}

std::uint32_t JsonTree::member(std::uint32_t object, std::string_view key) const {
  if (object >= nodes_.size() || nodes_[object].type != Type::object) return kNone;
  std::uint32_t found = kNone;
  for (std::uint32_t child = object + 1; child < nodes_[object].end; child = nodes_[child].end)
    if (view(nodes_[child].key) == key) found = child;
  return found;
}

}  // namespace scanhook::support
