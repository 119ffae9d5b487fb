// Which libraries of a media server own a folder: a library owns every path
// under one of its locations, at a separator boundary (/tv owns /tv/Show, not /tv2).
#pragma once

#include <string>
#include <vector>

#include "scanhook/result.hpp"
#include "scanhook/target_description.hpp"

namespace scanhook::support {

struct Library {
  std::string key;    // what the server's API calls it: Plex section key, Jellyfin ItemId, ...
  std::string title;  // shown to users
  std::vector<std::string> locations;
};

struct LibraryMatch {
  Result verdict;                  // ok, or rejected with the reason
  std::vector<Library> libraries;  // every library that owns the folder (when ok)
  // The folder as each library's server writes it (same index as `libraries`):
  // its location as listed, then the rest with the location's separator.
  std::vector<std::string> server_paths;
  bool only_roots = false;  // rejected because it is a library's root
};

// True when `path` is `location` or lies under it. Trailing separators are
// ignored; both / and \ count as separators. Against a Windows location
// (`T:\tv`, `\\nas\media`) letters compare without regard to case, as
// Windows does.
bool path_within(const std::string& path, const std::string& location);

// `path` (within `location`) in the location's own form: "t:/TV/Show" within
// "T:\tv" is "T:\tv\Show". Precondition: path_within(path, location).
std::string server_form(const std::string& path, const std::string& location);

// The libraries that own `folder`. A folder that is itself a library location
// would rescan that whole library: such libraries are skipped, and a folder
// that only matches roots is rejected. `product` names the server in reasons.
LibraryMatch match_libraries(const std::string& folder, const std::vector<Library>& libraries,
                             const std::string& product);

// The libraries as a TargetDescription lists them.
std::vector<MediaLibrary> media_libraries(const std::vector<Library>& libraries);

// "TV Shows, Anime" — the titles, for explain and logs.
std::string library_titles(const std::vector<Library>& libraries);

}  // namespace scanhook::support
