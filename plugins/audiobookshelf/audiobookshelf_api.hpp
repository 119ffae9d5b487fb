// Audiobookshelf's side of the wire (facts from advplyr/audiobookshelf
// v2.36.0, commit 1b46d68: server/routers/ApiRouter.js,
// server/controllers/LibraryController.js findAll,
// server/controllers/MiscController.js updateWatchedPath, server/Server.js).
#pragma once

#include <string>
#include <vector>

#include "scanhook/http.hpp"
#include "scanhook/scan_event.hpp"
#include "scanhook/support/library_match.hpp"

namespace scanhook::audiobookshelf {

inline constexpr const char* kProduct = "Audiobookshelf";
// GET /ping, no auth: {"success":true}.
inline constexpr const char* kPing = "/ping";
// GET /api/libraries: {"libraries":[{id, name, folders:[{id, fullPath, libraryId, addedAt}],
// mediaType, ...}]} (only the libraries the token's user may access).
inline constexpr const char* kLibraries = "/api/libraries";
// POST /api/watcher/update {libraryId, path, type}: what ABS's own file
// watcher would have reported; 200 "OK", 400 on a missing field or an unknown
// type, 403 for a user who is not an admin.
inline constexpr const char* kWatcherUpdate = "/api/watcher/update";

// Authorization: Bearer <API key or legacy user token> (passport-jwt's
// fromAuthHeaderAsBearerToken; 401 "Unauthorized" otherwise).
HeaderList auth_headers(const std::string& token);

// The libraries of a GET /api/libraries answer: key = id, title = name,
// locations = folders[].fullPath. Throws std::runtime_error on another shape.
std::vector<support::Library> parse_libraries(const std::string& body);

// "unlink" for a deletion, "add" otherwise: ABS rescans the item's folder on
// either ("rename" needs the old path, which a folder event does not have).
const char* watcher_type(EventKind kind);

// {"libraryId":"...","path":"...","type":"add"}
std::string watcher_update_body(const std::string& library_id, const std::string& path,
                                EventKind kind);

}  // namespace scanhook::audiobookshelf
