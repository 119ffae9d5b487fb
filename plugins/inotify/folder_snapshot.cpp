#include "folder_snapshot.hpp"

#include <sys/stat.h>

#include <filesystem>

namespace scanhook::inotify {

FolderSnapshot take_snapshot(const std::string& folder) {
  FolderSnapshot snapshot;
  std::error_code error;
  for (std::filesystem::directory_iterator it(folder, error), end; !error && it != end;
       it.increment(error)) {
    struct stat info {};
    if (::lstat(it->path().c_str(), &info) != 0) continue;  // gone since it was listed
    SnapshotEntry entry;
    entry.is_dir = S_ISDIR(info.st_mode);
    entry.size = entry.is_dir ? 0 : static_cast<std::uintmax_t>(info.st_size);
    entry.mtime_ns =
        static_cast<std::int64_t>(info.st_mtim.tv_sec) * 1'000'000'000 + info.st_mtim.tv_nsec;
    snapshot.emplace(it->path().filename().string(), entry);
  }
  return snapshot;
}

SnapshotDiff compare(const FolderSnapshot& before, const FolderSnapshot& after) {
  SnapshotDiff diff;
  for (const auto& [name, entry] : after) {
    const auto old = before.find(name);
    if (old == before.end() || old->second.is_dir != entry.is_dir)
      diff.added.push_back(name);
    else if (!entry.is_dir && !(old->second == entry))
      diff.changed.push_back(name);
  }
  for (const auto& [name, entry] : before) {
    const auto now = after.find(name);
    if (now == after.end() || now->second.is_dir != entry.is_dir) diff.removed.push_back(name);
  }
  return diff;
}

}  // namespace scanhook::inotify
