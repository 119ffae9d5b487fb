// Which file and folder names the inotify source leaves alone: downloads in
// progress (`.part`, qBittorrent's `.!qB`, ...) and, by default, hidden names
// (rsync writes into `.name.XXXXXX` and renames it when done).
#pragma once

#include <string>
#include <vector>

namespace scanhook::inotify {

// The default `ignore_suffixes`: partial downloads of curl/wget/Firefox
// (.part), Chrome (.crdownload), qBittorrent (.!qB), µTorrent (.!ut),
// editors' backups (~) and common temporary names.
inline constexpr const char* kDefaultIgnoredSuffixes =
    ".part,.partial,.!qB,.!ut,.crdownload,.tmp,.temp,~";

class IgnoredNames {
 public:
  // `suffixes`: comma-separated, matched case-sensitively at the end of the
  // name ("" ignores none). `hidden`: also ignore names starting with ".".
  IgnoredNames(const std::string& suffixes, bool hidden);

  // True for a name (no folder part) to ignore.
  bool ignores(const std::string& name) const;
  const std::vector<std::string>& suffixes() const { return suffixes_; }

 private:
  std::vector<std::string> suffixes_;
  bool hidden_;
};

}  // namespace scanhook::inotify
