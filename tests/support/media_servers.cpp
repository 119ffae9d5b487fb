#include "support/media_servers.hpp"

namespace scanhook::testing {

MediaServers::MediaServers() {
  plex.set_sections({{"2", "TV Shows", "show", {"/tv"}}, {"1", "Films", "movie", {"/films"}}});
  jellyfin.set_libraries({{"f137a2dd21bbc1b99aa5c0f6bf02a805", "Shows", "tvshows", {"/tv"}},
                          {"7e64e319657a9516ec78490da03edccb", "Films", "movies", {"/films"}}});
  emby.set_libraries({{"4", "TV", "tvshows", {"/tv"}}, {"5", "Films", "movies", {"/films"}}});
}

std::string MediaServers::targets(const std::string& plex_token) const {
  return "[target.plex]\nurl = " + plex.url() + "\ntoken = " + plex_token +
         "\n[target.jellyfin]\nurl = " + jellyfin.url() + "\ntoken = " + kJellyfinKey +
         "\n[target.emby]\nurl = " + emby.url() + "/emby\ntoken = " + kEmbyKey + "\n";
}

}  // namespace scanhook::testing
