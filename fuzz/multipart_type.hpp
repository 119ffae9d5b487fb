// The Content-Type a body starting "--boundary" was sent with, as Plex's and
// Emby's multipart webhooks are: the fuzz targets read such an input as that
// form, so the recorded payloads seed them as they are.
#pragma once

#include <algorithm>
#include <optional>
#include <string>

namespace scanhook::fuzz {

inline std::optional<std::string> multipart_type_of(const std::string& body) {
  if (body.rfind("--", 0) != 0) return std::nullopt;
  // RFC 2046: a boundary has at most 70 characters.
  std::string boundary = body.substr(2, std::min(body.find('\n'), std::size_t{72}) - 2);
  if (!boundary.empty() && boundary.back() == '\r') boundary.pop_back();
  return "multipart/form-data; boundary=\"" + boundary + "\"";
}

}  // namespace scanhook::fuzz
