// Watches one folder tree through the Linux inotify API: every folder under
// the root gets a watch (new ones as they appear), moves within the tree keep
// their watches, and a folder the kernel refuses a watch for (its
// fs.inotify.max_user_watches limit) is listed at each rescan() instead.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "folder_snapshot.hpp"
#include "scanhook/host.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook::inotify {

// A file or folder that appeared, changed or went away.
struct FolderChange {
  std::string path;  // absolute
  bool is_dir = false;
  EventKind kind = EventKind::modified;
};

class FolderWatcher {
 public:
  // Opens an inotify instance and watches `root` and every folder under it.
  // Throws std::runtime_error when inotify cannot be opened or `root` is not
  // a folder. Reports the watch limit and lost events through `host`'s log;
  // `rescan_interval` is only named there (the caller calls rescan()).
  FolderWatcher(std::string root, std::chrono::milliseconds rescan_interval, Host& host);
  ~FolderWatcher();
  FolderWatcher(const FolderWatcher&) = delete;
  FolderWatcher& operator=(const FolderWatcher&) = delete;

  // Every change the kernel has queued since the last call; never blocks.
  // File changes: created (IN_CREATE, IN_MOVED_TO), modified
  // (IN_CLOSE_WRITE), deleted (IN_DELETE, IN_MOVED_FROM). A new or moved-in
  // folder is watched, with everything under it, and reported as created.
  std::vector<FolderChange> read_changes();

  // Lists each folder it could not watch, reports what changed there since
  // the last listing, and watches it if the kernel now allows it.
  std::vector<FolderChange> rescan();

  std::size_t watched_count() const { return paths_.size(); }
  std::size_t unwatched_count() const { return unwatched_.size(); }

 private:
  enum class Added { watched, limit, failed };
  // Watches `folder` and the folders under it; one that cannot be watched
  // joins `unwatched_` with its listing.
  void watch_tree(const std::string& folder);
  Added add_watch(const std::string& folder);
  // Stops watching `folder` and everything under it (moved out or deleted).
  void forget_tree(const std::string& folder);
  // Renames the watched and unwatched folders under `from` to be under `to`.
  void move_tree(const std::string& from, const std::string& to);
  void rescan_one(const std::string& folder, std::vector<FolderChange>& changes);
  // Logs the limit once when folders first go unwatched, and when all are watched again.
  void report_limit();

  std::string root_;
  std::chrono::milliseconds rescan_interval_;
  Host& host_;
  int fd_ = -1;
  std::map<int, std::string> paths_;                 // watch descriptor → folder
  std::map<std::string, FolderSnapshot> unwatched_;  // folder → its last listing
  bool limit_hit_ = false;                           // the kernel refused a watch with ENOSPC
  bool limit_reported_ = false;                      // and that was logged
  bool root_missing_ = false;                        // the root went away: rescan() looks for it
};

}  // namespace scanhook::inotify
