// Files a queued folder must hold before a `require_exists` target gets it:
// the files that file events named, and a file's sha256 when /api/scan or
// the manual trigger gave one (autopulse's file hash). Kept in memory, not
// in the database: after a restart only the folder's own presence is checked.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/queue.hpp"

namespace scanhook::core {

struct ExpectedFile {
  std::string path;    // as queued: after the source's rewrite
  std::string sha256;  // 64 lower-case hex digits, or "" to ask only that it exists
};

// "" when `text` is a SHA-256 in hex (either case), else what is wrong.
std::string check_sha256(const std::string& text);

class ExpectedFiles {
 public:
  // Each file is forgotten `keep` after it was named (the longest exists_timeout).
  explicit ExpectedFiles(std::chrono::milliseconds keep) : keep_(keep) {}

  void add(const std::string& folder, ExpectedFile file, Millis now);
  // The files `target` still expects in `folder`.
  std::vector<ExpectedFile> of(const std::string& folder, const std::string& target, Millis now);
  // `target` was sent `folder` (or rejected it), as picked at `picked_at`:
  // the files named until then are its past. A later event for the folder
  // (an upgrade replacing the file) is not held to them.
  void delivered(const std::string& folder, const std::string& target, Millis picked_at);

 private:
  struct Entry {
    ExpectedFile file;
    Millis named_at = 0;
    std::vector<std::string> done;  // targets that have had the folder since
  };
  void prune(Millis now);  // under mutex_

  std::chrono::milliseconds keep_;
  std::mutex mutex_;
  std::map<std::string, std::vector<Entry>> folders_;
  Millis next_prune_ = 0;
};

// SHA-256 of files, read again only when a file's size or time changed (a
// large file is hashed once per change, not once per retry).
class FileDigests {
 public:
  // Lower-case hex, or nullopt when the file cannot be read.
  std::optional<std::string> sha256(const std::string& path);

 private:
  struct Known {
    long long size = 0;
    long long mtime_ns = 0;
    std::string digest;
  };
  std::mutex mutex_;
  std::map<std::string, Known> known_;
};

}  // namespace scanhook::core
