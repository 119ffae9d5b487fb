// What plex_autoscan's manual form names: a file or a folder.
#pragma once

#include <string>

namespace scanhook::plex_autoscan {

// A manual filepath names a file when its last segment ends in an extension
// of 2-5 letters and digits (".mkv", ".m2ts"); otherwise it is a folder.
bool manual_path_is_file(const std::string& path);

}  // namespace scanhook::plex_autoscan
