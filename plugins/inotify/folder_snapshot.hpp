// What one folder held when last listed: the fallback for a folder inotify
// cannot watch (the kernel's watch limit), compared at each rescan.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace scanhook::inotify {

struct SnapshotEntry {
  bool is_dir = false;
  std::uintmax_t size = 0;    // bytes; 0 for a folder
  std::int64_t mtime_ns = 0;  // last modification, nanoseconds since the epoch
  bool operator==(const SnapshotEntry& other) const {
    return is_dir == other.is_dir && size == other.size && mtime_ns == other.mtime_ns;
  }
};

// Entries by name (not recursive: each subfolder has its own snapshot).
using FolderSnapshot = std::map<std::string, SnapshotEntry>;

// Lists `folder` without following symlinks; an unreadable or missing
// folder lists as empty.
FolderSnapshot take_snapshot(const std::string& folder);

struct SnapshotDiff {
  std::vector<std::string> added;    // names, files and folders
  std::vector<std::string> changed;  // files whose size or time changed
  std::vector<std::string> removed;
};

SnapshotDiff compare(const FolderSnapshot& before, const FolderSnapshot& after);

}  // namespace scanhook::inotify
