#include "scanhook/core/web/web_assets.hpp"

#include <utility>

namespace scanhook::core {

namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

}  // namespace

const WebAsset* find_web_asset(std::string_view path) {
  for (const auto& asset : embedded_web_files())
    if (asset.path == path) return &asset;
  return nullptr;
}

std::string content_type_for(std::string_view path) {
  static const std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
  };
  for (const auto& [extension, type] : kTypes)
    if (ends_with(path, extension)) return std::string(type);
  return "application/octet-stream";
}

HttpReply asset_reply(const WebAsset& asset, const HttpRequest& request) {
  // The ETag changes with the build's files; browsers revalidate, then reuse.
  HeaderList headers = {{"ETag", std::string(asset.etag)}, {"Cache-Control", "no-cache"}};
  if (const auto match = request.header("If-None-Match");
      match && match->find(asset.etag) != std::string::npos)
    return {304, content_type_for(asset.path), "", headers};
  return {200, content_type_for(asset.path), std::string(asset.body), headers};
}

}  // namespace scanhook::core
