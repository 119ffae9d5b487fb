// Where the files a require_exists target waits for are kept
// (pipeline/expected_files.hpp): in the database, beside the queue, so that
// a restart, or another instance on the same PostgreSQL, holds a queued
// folder to the same files and hashes. SqliteExpectedFiles and
// PostgresExpectedFiles implement it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "scanhook/core/store/queue_types.hpp"

namespace scanhook::core {

struct ExpectedFile {
  std::string path;    // as queued: after the source's rewrite
  std::string sha256;  // 64 lower-case hex digits, or "" to ask only that it exists
};

// A file and the queued folder that waits for it.
using FolderFile = std::pair<std::string, ExpectedFile>;

class ExpectedFileStore {
 public:
  virtual ~ExpectedFileStore() = default;

  // Keeps `files`, named at `now`, in one transaction; a file named again
  // replaces its row (its hash, its time: no target has had it since). Rows
  // named before `forget_before` go. Committed when it returns; on SQLite it
  // is durable with the next fsync of the database (the one of the ingest's
  // commit that follows it), on PostgreSQL at once. Throws on a database failure.
  virtual void add(const std::vector<FolderFile>& files, Millis now, Millis forget_before) = 0;

  // The files of `folder`, named at `named_since` or later, that `target`
  // has not had (oldest first). Throws on a database failure.
  virtual std::vector<ExpectedFile> of(const std::string& folder, const std::string& target,
                                       Millis named_since) = 0;

  // `target` was sent `folder` (or rejected it) as picked at `picked_at`: the
  // files named until then are its past. Written only when the folder has
  // files; on SQLite durable with the next fsync. Throws on a database failure.
  virtual void delivered(const std::string& folder, const std::string& target,
                         Millis picked_at) = 0;
};

}  // namespace scanhook::core
