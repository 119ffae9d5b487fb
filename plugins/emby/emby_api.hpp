// Emby's side of the wire: its auth header and its library listing. Emby
// serves its API under /emby, which is part of the configured url.
#pragma once

#include <string>
#include <vector>

#include "scanhook/http.hpp"
#include "scanhook/support/library_match.hpp"

namespace scanhook::emby {

inline constexpr const char* kProduct = "Emby";
inline constexpr const char* kPublicInfo = "/System/Info/Public";
inline constexpr const char* kMediaFolders = "/Library/SelectableMediaFolders";
inline constexpr const char* kNotFoundHint =
    "Emby serves its API under /emby: does url end with /emby (http://host:8096/emby)?";

HeaderList auth_headers(const std::string& token);

// GET /Library/SelectableMediaFolders: [{Name, Id, SubFolders:[{Path}]}]. Throws on another shape.
std::vector<support::Library> parse_media_folders(const std::string& body);

}  // namespace scanhook::emby
