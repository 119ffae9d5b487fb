// The changes between two listings of one remote, found by walking both
// sorted listings side by side: no third copy, no per-file allocation.
#pragma once

#include <functional>

#include "listing.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook::rclone {

// Called once per changed file, in path order: `created` (only in `after`),
// `modified` (size or modification time differ) or `deleted` (only in `before`).
using ChangeSink = std::function<void(const FileEntry& entry, EventKind kind)>;

// Both listings must be sorted.
void diff_listings(const Listing& before, const Listing& after, const ChangeSink& sink);

}  // namespace scanhook::rclone
