#include "listing_diff.hpp"

namespace scanhook::rclone {

namespace {

// A file without a ModTime on either side is compared by size alone.
bool changed(const FileEntry& before, const FileEntry& after) {
  if (before.size != after.size) return true;
  if (before.mod_time_ns == kNoModTime || after.mod_time_ns == kNoModTime) return false;
  return before.mod_time_ns != after.mod_time_ns;
}

}  // namespace

void diff_listings(const Listing& before, const Listing& after, const ChangeSink& sink) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < before.size() || j < after.size()) {
    if (j == after.size()) {
      sink(before[i++], EventKind::deleted);
      continue;
    }
    if (i == before.size()) {
      sink(after[j++], EventKind::created);
      continue;
    }
    const FileEntry old_entry = before[i];
    const FileEntry new_entry = after[j];
    if (old_entry.path < new_entry.path) {
      sink(old_entry, EventKind::deleted);
      ++i;
    } else if (new_entry.path < old_entry.path) {
      sink(new_entry, EventKind::created);
      ++j;
    } else {
      if (changed(old_entry, new_entry)) sink(new_entry, EventKind::modified);
      ++i;
      ++j;
    }
  }
}

}  // namespace scanhook::rclone
