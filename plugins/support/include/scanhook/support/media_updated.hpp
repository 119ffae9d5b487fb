// The body of Jellyfin's and Emby's POST /Library/Media/Updated: many folders
// in one call, each with the kind of change.
#pragma once

#include <string>
#include <vector>

#include "scanhook/scan_event.hpp"
#include "scanhook/target.hpp"

namespace scanhook::support {

// "Created", "Modified" or "Deleted".
const char* update_type(EventKind kind);

// {"Updates":[{"Path":"/tv/Show","UpdateType":"Modified"},...]}
std::string media_updated_body(const std::vector<ScanFolder>& folders);

}  // namespace scanhook::support
