#include "scanhook/support/json_tree.hpp"

#include <stdexcept>

namespace scanhook::support {

namespace {

// Deeper nesting is refused rather than risking the request thread's stack.
constexpr int kMaxDepth = 256;

struct Malformed : std::runtime_error {
  using std::runtime_error::runtime_error;
};

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

std::string byte_text(char c) {
  const auto byte = static_cast<unsigned char>(c);
  if (byte >= 0x20 && byte < 0x7f) return std::string("'") + c + "'";
  static const char* const kHex = "0123456789abcdef";
  return std::string("0x") + kHex[byte >> 4] + kHex[byte & 15];
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xc0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xe0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  } else {
    out += static_cast<char>(0xf0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3f));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3f));
    out += static_cast<char>(0x80 | (code & 0x3f));
  }
}

}  // namespace

class JsonTree::Reader {
 public:
  explicit Reader(JsonTree& tree) : text_(tree.text_), tree_(tree) {}

  void document() {
    skip_space();
    value(Span{}, 0);
    skip_space();
    if (at_ < text_.size()) fail("unexpected byte " + byte_text(text_[at_]) + " after the value");
  }

 private:
  [[noreturn]] void fail(const std::string& what) const { throw Malformed(what); }

  void skip_space() {
    while (at_ < text_.size() && is_space(text_[at_])) ++at_;
  }

  bool take(char c) {
    if (at_ < text_.size() && text_[at_] == c) {
      ++at_;
      return true;
    }
    return false;
  }

  Node& add(Type type, Span key) { return tree_.nodes_.emplace_back(Node{type, 0, key, {}}); }

  // The text from `start` to here.
  Span since(std::size_t start) const {
    return {static_cast<std::uint32_t>(start), static_cast<std::uint32_t>(at_ - start), false};
  }

  void value(Span key, int depth) {
    if (at_ >= text_.size()) fail("unexpected end of text, expected a value");
    const char c = text_[at_];
    const auto node = static_cast<std::uint32_t>(tree_.nodes_.size());
    const std::size_t start = at_;
    if (c == '{') {
      if (depth >= kMaxDepth) fail("nesting is deeper than " + std::to_string(kMaxDepth));
      add(Type::object, key);
      ++at_;
      members(depth + 1);
    } else if (c == '[') {
      if (depth >= kMaxDepth) fail("nesting is deeper than " + std::to_string(kMaxDepth));
      add(Type::array, key);
      ++at_;
      elements(depth + 1);
    } else if (c == '"') {
      ++at_;
      const Span text = string();
      add(Type::string, key).value = text;
    } else if (c == '-' || is_digit(c)) {
      number();
      add(Type::number, key).value = since(start);
    } else if (literal("true") || literal("false")) {
      add(Type::boolean, key).value = since(start);
    } else if (literal("null")) {
      add(Type::null, key);
    } else {
      fail("unexpected byte " + byte_text(c) + " in value");
    }
    tree_.nodes_[node].end = static_cast<std::uint32_t>(tree_.nodes_.size());
  }

  bool literal(std::string_view word) {
    if (text_.substr(at_, word.size()) != word) return false;
    at_ += word.size();
    return true;
  }

  void members(int depth) {
    skip_space();
    if (take('}')) return;
    for (;;) {
      if (!take('"')) fail("expected '\"' to start a member name");
      const Span key = string();
      skip_space();
      if (!take(':')) fail("expected ':' after member name");
      skip_space();
      value(key, depth);
      skip_space();
      if (take('}')) return;
      if (!take(',')) fail("expected ',' or '}' after member value");
      skip_space();
    }
  }

  void elements(int depth) {
    skip_space();
    if (take(']')) return;
    for (;;) {
      value(Span{}, depth);
      skip_space();
      if (take(']')) return;
      if (!take(',')) fail("expected ',' or ']' after array element");
      skip_space();
    }
  }

  // After the opening quote, up to and past the closing one: the string as it
  // is in the text, or, if it holds an escape, decoded into the tree's
  // decoded_.
  Span string() {
    const std::size_t start = at_;
    plain_run();
    if (at_ < text_.size() && text_[at_] == '"') {
      const Span plain = since(start);
      ++at_;
      return plain;
    }
    std::string& out = tree_.decoded_;
    const std::size_t decoded_start = out.size();
    out.append(text_.data() + start, at_ - start);
    for (;;) {
      if (at_ >= text_.size()) fail("unexpected end of text in a string");
      const char c = text_[at_++];
      if (c == '"') break;
      if (c != '\\') fail("control character " + byte_text(c) + " in a string");
      escape(out);
      const std::size_t run = at_;
      plain_run();
      out.append(text_.data() + run, at_ - run);
    }
    return {static_cast<std::uint32_t>(decoded_start),
            static_cast<std::uint32_t>(out.size() - decoded_start), true};
  }

  // Past the bytes a string holds as they are (no quote, escape or control).
  void plain_run() {
    while (at_ < text_.size() && text_[at_] != '"' && text_[at_] != '\\' &&
           static_cast<unsigned char>(text_[at_]) >= 0x20)
      ++at_;
  }

  void escape(std::string& out) {
    if (at_ >= text_.size()) fail("unexpected end of text in a string");
    switch (text_[at_++]) {
      case '"': out += '"'; return;
      case '\\': out += '\\'; return;
      case '/': out += '/'; return;
      case 'b': out += '\b'; return;
      case 'f': out += '\f'; return;
      case 'n': out += '\n'; return;
      case 'r': out += '\r'; return;
      case 't': out += '\t'; return;
      case 'u': break;
      default: fail("invalid escape " + byte_text(text_[at_ - 1]) + " in a string");
    }
    std::uint32_t code = hex4();
    if (code >= 0xd800 && code < 0xdc00) {
      // A high surrogate must be followed by \u and a low one.
      if (!literal("\\u")) fail("unpaired surrogate \\u escape in a string");
      const std::uint32_t low = hex4();
      if (low < 0xdc00 || low >= 0xe000) fail("unpaired surrogate \\u escape in a string");
      code = 0x10000 + ((code - 0xd800) << 10) + (low - 0xdc00);
    } else if (code >= 0xdc00 && code < 0xe000) {
      fail("unpaired surrogate \\u escape in a string");
    }
    append_utf8(out, code);
  }

  std::uint32_t hex4() {
    if (text_.size() - at_ < 4) fail("unexpected end of text in a \\u escape");
    std::uint32_t code = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[at_++];
      code <<= 4;
      if (is_digit(c))
        code |= static_cast<std::uint32_t>(c - '0');
      else if (c >= 'a' && c <= 'f')
        code |= static_cast<std::uint32_t>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        code |= static_cast<std::uint32_t>(c - 'A' + 10);
      else
        fail("invalid hex digit " + byte_text(c) + " in a \\u escape");
    }
    return code;
  }

  // -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?
  void number() {
    take('-');
    if (take('0')) {
    } else if (at_ < text_.size() && is_digit(text_[at_])) {
      digits();
    } else {
      fail("invalid number: a digit must follow '-'");
    }
    if (take('.')) {
      if (at_ >= text_.size() || !is_digit(text_[at_]))
        fail("invalid number: a digit must follow '.'");
      digits();
    }
    if (take('e') || take('E')) {
      if (!take('+')) take('-');
      if (at_ >= text_.size() || !is_digit(text_[at_]))
        fail("invalid number: a digit must follow the exponent");
      digits();
    }
  }

  void digits() {
    while (at_ < text_.size() && is_digit(text_[at_])) ++at_;
  }

  std::string_view text_;
  JsonTree& tree_;
  std::size_t at_ = 0;
};

std::optional<JsonTree> JsonTree::parse(std::string_view text, std::string& error) {
  if (text.size() > UINT32_MAX) {
    error = "the text is longer than 4 GiB";
    return std::nullopt;
  }
  JsonTree tree;
  tree.text_ = text;
  tree.nodes_.reserve(text.size() / 16);  // about one node per 16 bytes in *arr webhooks
  try {
    Reader(tree).document();
  } catch (const Malformed& malformed) {
    error = malformed.what();
    return std::nullopt;
  }
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
