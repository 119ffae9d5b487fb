// The web UI's files (core/web/), compiled into the binary by CMake, with
// their content types and ETags, and the reply that serves one.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "scanhook/http.hpp"

namespace scanhook::core {

struct WebAsset {
  std::string_view path;  // relative to core/web/, e.g. "assets/app.js"
  std::string_view body;
  std::string_view etag;  // quoted, from the file's SHA-256
};

// Every embedded file (generated at build time from core/web/).
const std::vector<WebAsset>& embedded_web_files();
// nullptr when there is no such file.
const WebAsset* find_web_asset(std::string_view path);
// "text/html; charset=utf-8" etc. by extension; application/octet-stream otherwise.
std::string content_type_for(std::string_view path);
// 200 with the file, or 304 when If-None-Match names its ETag.
HttpReply asset_reply(const WebAsset& asset, const HttpRequest& request);

}  // namespace scanhook::core
