// Files a queued folder must hold before a `require_exists` target gets it:
// the files that file events named, and a file's sha256 when /api/scan or
// the manual trigger gave one (autopulse's file hash). Kept in the database
// (expected_file_store.hpp): a restart, or another instance on the same
// PostgreSQL, holds the folder to them too.
#pragma once

#include <algorithm>
#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/expected.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/core/store/expected_file_store.hpp"

namespace scanhook::core {

// Ok when `text` is a SHA-256 in hex (either case), else an Error saying
// what is wrong with it.
Expected<void> check_sha256(const std::string& text);

class ExpectedFiles {
 public:
  // Kept in `store`; each file is forgotten `keep` after it was named (the
  // longest exists_timeout).
  ExpectedFiles(ExpectedFileStore& store, std::chrono::milliseconds keep)
      : store_(store), keep_(keep) {}

  // Keeps `files` (each with its folder) in one write, before their events
  // are committed. Throws on a database failure: the events must then be refused.
  void add(std::vector<FolderFile> files, Millis now);
  // The files `target` still expects in `folder`. Throws on a database failure.
  std::vector<ExpectedFile> of(const std::string& folder, const std::string& target, Millis now);
  // `target` was sent `folder` (or rejected it), as picked at `picked_at`:
  // the files named until then are its past. A later event for the folder
  // (an upgrade replacing the file) is not held to them. A database failure
  // is logged: that later event would be held to them.
  void delivered(const std::string& folder, const std::string& target, Millis picked_at);

 private:
  ExpectedFileStore& store_;
  std::chrono::milliseconds keep_;
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
