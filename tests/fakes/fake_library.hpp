// A library as the fake media servers keep it: what the real servers list.
#pragma once

#include <string>
#include <vector>

namespace scanhook::fakes {

struct FakeLibrary {
  std::string key;    // Plex section key ("2"), Jellyfin/Emby library id
  std::string title;  // "TV Shows"
  std::string type;   // Plex "show"/"movie"/"artist"; Jellyfin/Emby "tvshows"/"movies"/"music"
  std::vector<std::string> locations;
};

}  // namespace scanhook::fakes
