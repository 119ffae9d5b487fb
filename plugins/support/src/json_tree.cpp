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
  Reader(std::string_view text, std::vector<Node>& nodes) : text_(text), nodes_(nodes) {}

  void document() {
    skip_space();
    value(std::string(), 0);
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

  void add(Type type, std::string key) { nodes_.push_back({type, 0, std::move(key), {}}); }

  void value(std::string key, int depth) {
    if (at_ >= text_.size()) fail("unexpected end of text, expected a value");
    const char c = text_[at_];
    const auto node = static_cast<std::uint32_t>(nodes_.size());
    if (c == '{') {
      if (depth >= kMaxDepth) fail("nesting is deeper than " + std::to_string(kMaxDepth));
      add(Type::object, std::move(key));
      ++at_;
      members(depth + 1);
    } else if (c == '[') {
      if (depth >= kMaxDepth) fail("nesting is deeper than " + std::to_string(kMaxDepth));
      add(Type::array, std::move(key));
      ++at_;
      elements(depth + 1);
    } else if (c == '"') {
      add(Type::string, std::move(key));
      ++at_;
      string(nodes_[node].value);
    } else if (c == '-' || is_digit(c)) {
      add(Type::number, std::move(key));
      number(nodes_[node].value);
    } else if (literal("true")) {
      add(Type::boolean, std::move(key));
      nodes_[node].value = "true";
    } else if (literal("false")) {
      add(Type::boolean, std::move(key));
      nodes_[node].value = "false";
    } else if (literal("null")) {
      add(Type::null, std::move(key));
    } else {
      fail("unexpected byte " + byte_text(c) + " in value");
    }
    nodes_[node].end = static_cast<std::uint32_t>(nodes_.size());
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
      std::string key;
      string(key);
      skip_space();
      if (!take(':')) fail("expected ':' after member name");
      skip_space();
      value(std::move(key), depth);
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
      value(std::string(), depth);
      skip_space();
      if (take(']')) return;
      if (!take(',')) fail("expected ',' or ']' after array element");
      skip_space();
    }
  }

  // After the opening quote; appends the decoded text to `out`.
  void string(std::string& out) {
    for (;;) {
      const std::size_t start = at_;
      while (at_ < text_.size() && text_[at_] != '"' && text_[at_] != '\\' &&
             static_cast<unsigned char>(text_[at_]) >= 0x20)
        ++at_;
      out.append(text_.data() + start, at_ - start);
      if (at_ >= text_.size()) fail("unexpected end of text in a string");
      const char c = text_[at_++];
      if (c == '"') return;
      if (c != '\\') fail("control character " + byte_text(c) + " in a string");
      escape(out);
    }
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
  void number(std::string& out) {
    const std::size_t start = at_;
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
    out.assign(text_.data() + start, at_ - start);
  }

  void digits() {
    while (at_ < text_.size() && is_digit(text_[at_])) ++at_;
  }

  std::string_view text_;
  std::vector<Node>& nodes_;
  std::size_t at_ = 0;
};

std::optional<JsonTree> JsonTree::parse(std::string_view text, std::string& error) {
  JsonTree tree;
  tree.nodes_.reserve(64);
  try {
    Reader(text, tree.nodes_).document();
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
    if (nodes_[child].key == key) found = child;
  return found;
}

}  // namespace scanhook::support
