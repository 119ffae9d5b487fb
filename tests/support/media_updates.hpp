// Every folder a fake Jellyfin or Emby was sent, over all its Media/Updated
// calls, sorted by path: how many calls carried them does not matter.
#pragma once

#include <algorithm>
#include <vector>

#include "fakes/fake_media_browser.hpp"

namespace scanhook::testing {

inline std::vector<fakes::MediaUpdate> all_updates(
    const std::vector<std::vector<fakes::MediaUpdate>>& calls) {
  std::vector<fakes::MediaUpdate> all;
  for (const auto& call : calls) all.insert(all.end(), call.begin(), call.end());
  std::sort(all.begin(), all.end(), [](const fakes::MediaUpdate& a, const fakes::MediaUpdate& b) {
    return a.path < b.path;
  });
  return all;
}

}  // namespace scanhook::testing
