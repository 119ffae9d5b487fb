// Jellyfin's and Emby's item types (they share them): which are one file on
// disk, so an event for one scans its folder.
#pragma once

#include <string>

namespace scanhook::support {

// Episode, Movie, Audio, ... → true; Series, Season, MusicAlbum, unknown → false.
bool is_file_item_type(const std::string& item_type);

}  // namespace scanhook::support
