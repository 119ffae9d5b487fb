#include "folder_watcher.hpp"
#include "scanhook/counted.hpp"

#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace scanhook::inotify {

namespace {

// IN_CLOSE_WRITE rather than IN_MODIFY: one event when a writer is done, not
// one per write() of a download still in progress.
constexpr std::uint32_t kMask = IN_CREATE | IN_CLOSE_WRITE | IN_DELETE | IN_MOVED_FROM |
                                IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR |
                                IN_DONT_FOLLOW | IN_EXCL_UNLINK;

bool is_under(const std::string& path, const std::string& folder) {
  return path.size() >= folder.size() && path.compare(0, folder.size(), folder) == 0 &&
         (path.size() == folder.size() || path[folder.size()] == '/');
}

bool is_folder(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 && S_ISDIR(info.st_mode);
}

std::string join(const std::string& folder, const std::string& name) {
  return folder == "/" ? "/" + name : folder + "/" + name;
}

std::string kernel_watch_limit() {
  std::ifstream in("/proc/sys/fs/inotify/max_user_watches");
  std::string value;
  return in >> value ? value : "unknown";
}

std::string describe(std::chrono::milliseconds interval) {
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(interval).count();
  if (seconds >= 60 && seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

}  // namespace

FolderWatcher::FolderWatcher(std::string root, std::chrono::milliseconds rescan_interval,
                             Host& host)
    : root_(std::move(root)), rescan_interval_(rescan_interval), host_(host) {
  if (!is_folder(root_)) throw std::runtime_error(root_ + " is not a folder");
  fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
  if (fd_ < 0)
    throw std::runtime_error(
        std::string("cannot open inotify: ") + std::strerror(errno) +
        (errno == EMFILE ? " (fs.inotify.max_user_instances is reached)" : ""));
  watch_tree(root_);
}

FolderWatcher::~FolderWatcher() {
  ::close(fd_);
}

FolderWatcher::Added FolderWatcher::add_watch(const std::string& folder) {
  const int wd = ::inotify_add_watch(fd_, folder.c_str(), kMask);
  if (wd >= 0) {
    paths_[wd] = folder;
    return Added::watched;
  }
  if (errno == ENOSPC) {
    limit_hit_ = true;
    return Added::limit;
  }
  if (errno != ENOENT && errno != ENOTDIR)  // gone, or replaced by a file: nothing to watch
    host_.log(LogLevel::warning, "cannot watch " + folder + ": " + std::strerror(errno) +
                                     ": its changes are not seen");
  return Added::failed;
}

void FolderWatcher::watch_tree(const std::string& folder) {
  std::vector<std::string> pending{folder};
  while (!pending.empty()) {
    const std::string next = std::move(pending.back());
    pending.pop_back();
    const Added added = add_watch(next);
    if (added == Added::failed) continue;
    if (added == Added::limit) unwatched_[next] = take_snapshot(next);
    std::error_code error;
    for (std::filesystem::directory_iterator it(next, error), end; !error && it != end;
         it.increment(error)) {
      std::error_code type_error;
      if (it->is_directory(type_error) && !it->is_symlink(type_error))
        pending.push_back(it->path().string());
    }
  }
  report_limit();
}

void FolderWatcher::forget_tree(const std::string& folder) {
  for (auto it = paths_.begin(); it != paths_.end();) {
    if (is_under(it->second, folder)) {
      ::inotify_rm_watch(fd_, it->first);  // its IN_IGNORED then finds no folder
      it = paths_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto it = unwatched_.begin(); it != unwatched_.end();)
    it = is_under(it->first, folder) ? unwatched_.erase(it) : std::next(it);
}

void FolderWatcher::move_tree(const std::string& from, const std::string& to) {
  for (auto& [wd, path] : paths_)
    if (is_under(path, from)) path = to + path.substr(from.size());
  std::map<std::string, FolderSnapshot> renamed;
  for (auto& [path, snapshot] : unwatched_)
    renamed.emplace(is_under(path, from) ? to + path.substr(from.size()) : path,
                    std::move(snapshot));
  unwatched_ = std::move(renamed);
}

std::vector<FolderChange> FolderWatcher::read_changes() {
  std::vector<FolderChange> changes;
  std::map<std::uint32_t, std::string> moved_from;  // cookie → a folder that left its place
  alignas(struct inotify_event) char buffer[64 * 1024];
  for (;;) {
    const ssize_t length = ::read(fd_, buffer, sizeof buffer);
    if (length < 0 && errno == EINTR) continue;
    if (length <= 0) break;  // EAGAIN: nothing more queued
    for (const char* at = buffer; at < buffer + length;) {
      const auto* event = reinterpret_cast<const struct inotify_event*>(at);
      at += sizeof(struct inotify_event) + event->len;
      if (event->mask & IN_Q_OVERFLOW) {
        host_.log(LogLevel::warning,
                  "the kernel dropped inotify events for " + root_ +
                      " (more than fs.inotify.max_queued_events at once): the whole folder is "
                      "queued so that no change is lost");
        changes.push_back({root_, true, EventKind::modified});
        continue;
      }
      const auto found = paths_.find(event->wd);
      if (found == paths_.end()) continue;
      const std::string folder = found->second;
      if (event->mask & IN_IGNORED) {
        paths_.erase(found);
        continue;
      }
      if (event->mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
        if (folder == root_) {
          host_.log(LogLevel::warning, root_ +
                                           " was deleted or moved away: watched again when it "
                                           "is back (looked for every " +
                                           describe(rescan_interval_) + ")");
          forget_tree(root_);
          unwatched_[root_] = {};
          root_missing_ = true;
        }
        continue;  // a subfolder's parent reports it
      }
      if (event->len == 0) continue;
      const std::string path = join(folder, event->name);
      if (!(event->mask & IN_ISDIR)) {
        if (event->mask & IN_CREATE || event->mask & IN_MOVED_TO)
          changes.push_back({path, false, EventKind::created});
        else if (event->mask & IN_CLOSE_WRITE)
          changes.push_back({path, false, EventKind::modified});
        else if (event->mask & (IN_DELETE | IN_MOVED_FROM))
          changes.push_back({path, false, EventKind::deleted});
        continue;
      }
      if (event->mask & IN_MOVED_FROM) {
        moved_from[event->cookie] = path;
      } else if (event->mask & IN_MOVED_TO) {
        const auto from = moved_from.find(event->cookie);
        if (from != moved_from.end()) {  // renamed within the tree: its watches stay
          move_tree(from->second, path);
          changes.push_back({from->second, true, EventKind::deleted});
          moved_from.erase(from);
        } else {
          watch_tree(path);
        }
        changes.push_back({path, true, EventKind::created});
      } else if (event->mask & IN_CREATE) {
        watch_tree(path);
        changes.push_back({path, true, EventKind::created});
      } else if (event->mask & IN_DELETE) {
        forget_tree(path);
        changes.push_back({path, true, EventKind::deleted});
      }
    }
  }
  for (const auto& [cookie, path] : moved_from) {  // moved out of the tree
    forget_tree(path);
    changes.push_back({path, true, EventKind::deleted});
  }
  return changes;
}

std::vector<FolderChange> FolderWatcher::rescan() {
  std::vector<FolderChange> changes;
  std::vector<std::string> folders;
  for (const auto& [folder, snapshot] : unwatched_) folders.push_back(folder);
  for (const auto& folder : folders)
    if (unwatched_.count(folder)) rescan_one(folder, changes);
  report_limit();
  return changes;
}

void FolderWatcher::rescan_one(const std::string& folder, std::vector<FolderChange>& changes) {
  if (folder == root_ && root_missing_) {
    if (!is_folder(root_)) return;
    host_.log(LogLevel::info, root_ + " is back: watched again");
    root_missing_ = false;
    unwatched_.erase(root_);
    watch_tree(root_);
    changes.push_back({root_, true, EventKind::created});
    return;
  }
  if (!is_folder(folder)) {  // its parent reports it
    unwatched_.erase(folder);
    return;
  }
  const FolderSnapshot before = unwatched_[folder];
  const bool watched = add_watch(folder) == Added::watched;
  const FolderSnapshot after = take_snapshot(folder);
  if (watched)
    unwatched_.erase(folder);
  else
    unwatched_[folder] = after;
  const SnapshotDiff diff = compare(before, after);
  for (const auto& name : diff.removed) {
    const std::string path = join(folder, name);
    const bool was_dir = before.at(name).is_dir;
    if (was_dir) forget_tree(path);
    changes.push_back({path, was_dir, EventKind::deleted});
  }
  for (const auto& name : diff.added) {
    const std::string path = join(folder, name);
    const bool is_dir = after.at(name).is_dir;
    if (is_dir) watch_tree(path);
    changes.push_back({path, is_dir, EventKind::created});
  }
  for (const auto& name : diff.changed)
    changes.push_back({join(folder, name), false, EventKind::modified});
}

void FolderWatcher::report_limit() {
  const std::size_t waiting = unwatched_.size() - (root_missing_ ? 1 : 0);
  if (limit_hit_ && waiting > 0 && !limit_reported_) {
    limit_reported_ = true;
    host_.log(LogLevel::warning,
              "cannot watch " + counted(waiting, "folder") + " under " + root_ +
                  ": the kernel's limit of inotify watches is reached "
                  "(fs.inotify.max_user_watches = " +
                  kernel_watch_limit() + ", " + std::to_string(paths_.size()) +
                  " watched here). They are listed every " + describe(rescan_interval_) +
                  " instead, so their changes arrive late. Raise the limit: "
                  "sysctl -w fs.inotify.max_user_watches=524288, and keep it with the line "
                  "fs.inotify.max_user_watches=524288 in /etc/sysctl.d/40-inotify.conf");
  } else if (waiting == 0 && limit_reported_) {
    limit_reported_ = false;
    limit_hit_ = false;
    host_.log(LogLevel::info, "every folder under " + root_ + " is watched again");
  }
}

}  // namespace scanhook::inotify
