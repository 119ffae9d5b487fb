// HTTP requests and replies as plugins see them: plain SDK types, no Poco.
#pragma once

#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace scanhook {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

inline bool iequals(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

// A JSON string literal for `text`, quotes included.
inline std::string json_quote(const std::string& text) {
  static const char* const kHex = "0123456789abcdef";
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string path;    // decoded; for services, relative to /api/<instance>/
  HeaderList query;    // decoded query parameters, in order, repeats kept
  HeaderList headers;
  std::string body;
  std::string remote_address;

  std::optional<std::string> header(const std::string& name) const {
    for (const auto& [key, value] : headers)
      if (iequals(key, name)) return value;
    return std::nullopt;
  }
  std::optional<std::string> query_param(const std::string& name) const {
    for (const auto& [key, value] : query)
      if (key == name) return value;
    return std::nullopt;
  }
  std::string content_type() const { return header("Content-Type").value_or(""); }
};

struct HttpReply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;
};

// {"error": "<message>"} with the given status.
inline HttpReply json_error(int status, const std::string& message) {
  return {status, "application/json", "{\"error\":" + json_quote(message) + "}", {}};
}

}  // namespace scanhook
