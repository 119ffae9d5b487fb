// Reads the answer of rclone's operations/list into a Listing as it parses,
// keeping only the path, size and modification time of each file (no JSON
// tree of 100,000 objects).
#pragma once

#include <string>

#include "listing.hpp"

namespace scanhook::rclone {

// `{"list": [{"Path": ..., "Size": ..., "ModTime": ..., "IsDir": ...}, ...]}`;
// directories are skipped. Returns the listing unsorted. Throws
// std::runtime_error saying what is wrong when the answer is not that shape.
Listing parse_listing(const std::string& json);

}  // namespace scanhook::rclone
