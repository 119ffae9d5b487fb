// Jellyfin's side of the wire: its auth header, its library listing, and the
// item lookup that turns a webhook's ItemId into a path.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "scanhook/http.hpp"
#include "scanhook/support/library_match.hpp"

namespace scanhook::jellyfin {

inline constexpr const char* kProduct = "Jellyfin";
inline constexpr const char* kPublicInfo = "/System/Info/Public";
inline constexpr const char* kVirtualFolders = "/Library/VirtualFolders";
inline constexpr const char* kNotFoundHint =
    "does url include Jellyfin's base path (Dashboard > Networking > Base URL), e.g. "
    "http://host:8096/jellyfin?";

// Authorization: MediaBrowser Token="..." (accepted with legacy auth off, 10.12+).
HeaderList auth_headers(const std::string& token);

// GET /Library/VirtualFolders: [{Name, Locations[], ItemId, ...}]. Throws on another shape.
std::vector<support::Library> parse_virtual_folders(const std::string& body);

// GET /Items?ids=<id>&Fields=Path. Jellyfin 10.8.0-10.8.7 answer it 500 when
// called with an API key and no user id (jellyfin/jellyfin PR #7965, in 10.8.8).
std::string item_lookup(const std::string& item_id);
// GET /Users/{userId}/Items?ids=<id>&Fields=Path: the same answer, scoped to a
// user, which every version serves.
std::string user_item_lookup(const std::string& user_id, const std::string& item_id);

// GET /Users (an API key is an administrator): [{Name, Id, Policy: {IsAdministrator}}].
inline constexpr const char* kUsers = "/Users";
// The Id of the first administrator, or nullopt when none is listed. Throws on another shape.
std::optional<std::string> parse_administrator(const std::string& body);

struct ItemPath {
  std::string path;
  bool is_file = true;
};
// The first item of an /Items answer ({Items:[{Path, IsFolder, Type}]}), or
// nullopt when it lists none or the item has no path. Throws on another shape.
std::optional<ItemPath> parse_item_lookup(const std::string& body);

}  // namespace scanhook::jellyfin
