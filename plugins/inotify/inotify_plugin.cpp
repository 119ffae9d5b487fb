// The `inotify` plugin: a polling source that watches a local folder tree
// with the Linux inotify API (autoscan's inotify trigger, autopulse's notify
// trigger) and submits what changed there.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <string>

#include "inotify_source.hpp"
#include "scanhook/scanhook.hpp"

namespace {

using scanhook::ConfigKey;
using scanhook::ConfigType;
using scanhook::kPollingSource;

constexpr ConfigKey kConfigKeys[] = {
    {"path", ConfigType::path, nullptr, kPollingSource, true,
     "the folder to watch, with every folder under it (one folder per section)"},
    {"debounce", ConfigType::duration, "5s", kPollingSource, false,
     "a changed file or folder is submitted once it has been quiet this long"},
    {"ignore_suffixes", ConfigType::string, scanhook::inotify::kDefaultIgnoredSuffixes,
     kPollingSource, false,
     "comma-separated name endings never submitted (downloads in progress); empty: none"},
    {"ignore_hidden", ConfigType::boolean, "true", kPollingSource, false,
     "never submit names starting with a dot (rsync's temporary files, .DS_Store)"},
    {"rescan_interval", ConfigType::duration, "5m", kPollingSource, false,
     "how often folders the kernel's watch limit left unwatched are listed for changes"},
};

constexpr scanhook::ConfigRange kConfigRanges[] = {
    // ms: listing the unwatched folders at most once a second.
    {"rescan_interval", 1000, std::numeric_limits<std::int64_t>::max()},
};

std::string watched_path(const scanhook::ConfigView& config) {
  std::string path = config.string("path");
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  return path;
}

// The folder the watcher would open: there, a folder itself (a symbolic link
// is not followed, as the watcher does not), and listable. Nothing is watched.
void check(const scanhook::CheckArgs& args) {
  const std::string path = watched_path(*args.config);
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0)
    throw scanhook::ConfigRefusal("path", "cannot see " + path + ": " + std::strerror(errno));
  if (S_ISLNK(info.st_mode))
    throw scanhook::ConfigRefusal(
        "path",
        path + " is a symbolic link: give the folder it points to (links are not followed)");
  if (!S_ISDIR(info.st_mode)) throw scanhook::ConfigRefusal("path", path + " is not a folder");
  if (::access(path.c_str(), R_OK | X_OK) != 0)
    throw scanhook::ConfigRefusal("path",
                                  "cannot list the folder " + path + ": " + std::strerror(errno));
}

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  scanhook::inotify::WatchSettings settings;
  settings.path = watched_path(config);
  settings.debounce = config.duration("debounce");
  settings.rescan_interval = config.duration("rescan_interval");
  settings.ignore_suffixes = config.string("ignore_suffixes");
  settings.ignore_hidden = config.boolean("ignore_hidden");
  return std::make_unique<scanhook::inotify::InotifySource>(settings, *args.host);
}

}  // namespace

SCANHOOK_PLUGIN_CHECKED("inotify", "1.0.0",
                        "Watches a local folder tree (Linux inotify) and submits what changes "
                        "there",
                        kPollingSource, kConfigKeys, kConfigRanges, check, make)
