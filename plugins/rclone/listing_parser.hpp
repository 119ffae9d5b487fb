// Reads the answer of rclone's operations/list into a Listing as it parses
// (simdjson On-Demand), keeping only the path, size and modification time of
// each file (no JSON tree of 100,000 objects). The members it does not read
// are skipped by simdjson, which checks their UTF-8, strings and brackets but
// not their number syntax (Poco's parser, before, checked every byte).
#pragma once

#include <string>

#include "listing.hpp"

namespace scanhook::rclone {

// The files of a listing whose ModTime was "" or unreadable (kept with kNoModTime).
struct UntimedFiles {
  std::size_t count = 0;
  std::string first_path;      // the first such file, for the log
  std::string first_mod_time;  // what rclone wrote for it ("" for a backend with no times)
};

// `{"list": [{"Path": ..., "Size": ..., "ModTime": ..., "IsDir": ...}, ...]}`;
// directories are skipped. Returns the listing unsorted; files without a
// readable ModTime are kept (kNoModTime) and counted in `untimed`. Throws
// std::runtime_error saying what is wrong when the answer is not that shape.
Listing parse_listing(const std::string& json, UntimedFiles& untimed);

}  // namespace scanhook::rclone
