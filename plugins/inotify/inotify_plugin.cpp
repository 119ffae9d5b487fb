// The `inotify` plugin: a polling source that watches a local folder tree
// with the Linux inotify API (autoscan's inotify trigger, autopulse's notify
// trigger) and submits what changed there.
#include <memory>
#include <stdexcept>
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

std::unique_ptr<scanhook::Instance> make(const scanhook::CreateArgs& args) {
  const auto& config = *args.config;
  scanhook::inotify::WatchSettings settings;
  settings.path = config.string("path");
  while (settings.path.size() > 1 && settings.path.back() == '/') settings.path.pop_back();
  settings.debounce = config.duration("debounce");
  settings.rescan_interval = config.duration("rescan_interval");
  if (settings.rescan_interval < std::chrono::seconds(1))
    throw std::runtime_error("rescan_interval must be at least 1s");
  settings.ignore_suffixes = config.string("ignore_suffixes");
  settings.ignore_hidden = config.boolean("ignore_hidden");
  return std::make_unique<scanhook::inotify::InotifySource>(settings, *args.host);
}

}  // namespace

SCANHOOK_PLUGIN("inotify", "1.0.0",
                "Watches a local folder tree (Linux inotify) and submits what changes there",
                kPollingSource, kConfigKeys, make)
