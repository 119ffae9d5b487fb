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

// The query of an item lookup by id: "?ids=<id>&Fields=Path".
std::string id_query(const std::string& item_id);
// The query of a search for items of one type by name, e.g. the MusicAlbum
// "Harbour Songs": "?searchTerm=...&IncludeItemTypes=MusicAlbum&Recursive=true&Fields=Path".
std::string name_query(const std::string& item_type, const std::string& name);

// GET /Items<query>. Jellyfin 10.8.0-10.8.7 answer it 500 when called with an
// API key and no user id (jellyfin/jellyfin PR #7965, in 10.8.8).
std::string items_route(const std::string& query);
// GET /Users/{userId}/Items<query>: the same answer, scoped to a user, which
// every version serves.
std::string user_items_route(const std::string& user_id, const std::string& query);

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

// The item of an /Items search named exactly `name` (a search matches parts of
// names too) whose AlbumArtist, when `artist` is given, is `artist` (or, failing
// that, absent); nullopt when none fits or has a path. Throws on another shape.
std::optional<ItemPath> parse_named_item(const std::string& body, const std::string& name,
                                         const std::string& artist);

}  // namespace scanhook::jellyfin
