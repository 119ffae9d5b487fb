// The fake Plex, Jellyfin and Emby that the end-to-end and doctor tests scan,
// as one set: each with a TV library at /tv and a film library at /films
// (ids in each server's own form), and the [target.*] sections that reach them.
#pragma once

#include <string>

#include "fakes/fake_emby.hpp"
#include "fakes/fake_jellyfin.hpp"
#include "fakes/fake_plex.hpp"

namespace scanhook::testing {

// The credentials the fake servers take.
inline const std::string kPlexToken = "plex-token-4f1a";
inline const std::string kJellyfinKey = "jellyfin-key-9c2e";
inline const std::string kEmbyKey = "emby-key-77d0";

struct MediaServers {
  MediaServers();

  // [target.plex], [target.jellyfin] and [target.emby] (Emby under /emby),
  // Emby's last: lines appended go to it. `plex_token` is sent to Plex (a
  // wrong one, for a refusal).
  std::string targets(const std::string& plex_token = kPlexToken) const;

  fakes::FakePlex plex{kPlexToken};
  fakes::FakeJellyfin jellyfin{kJellyfinKey};
  fakes::FakeEmby emby{kEmbyKey};
};

}  // namespace scanhook::testing
