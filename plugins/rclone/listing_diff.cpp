#include "listing_diff.hpp"

namespace scanhook::rclone {

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
      if (old_entry.size != new_entry.size || old_entry.mod_time_ns != new_entry.mod_time_ns)
        sink(new_entry, EventKind::modified);
      ++i;
      ++j;
    }
  }
}

}  // namespace scanhook::rclone
