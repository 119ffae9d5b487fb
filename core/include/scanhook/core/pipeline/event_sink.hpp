// Where the ingest routes and the webhook sources hand a source's events:
// checked, rewritten, filtered and committed (SourceIngest), answered once
// they are durable.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "scanhook/scan_event.hpp"

namespace scanhook::core {

// What became of a batch of events from one source.
struct Submission {
  int status = 200;  // 200, 400 (a path refused at the door), 503 (not committed)
  std::string error;
  std::size_t added = 0;
  std::size_t merged = 0;
  std::size_t filtered = 0;
};

class EventSink {
 public:
  using Done = std::function<void(Submission)>;

  virtual ~EventSink() = default;
  // `done` runs once, when the events are durable (on the ingest's syncer
  // thread) or at once when they are refused. `sha256`: for file events, the
  // hash each file must have before a require_exists target gets its folder
  // (empty, or "" for a file: none).
  virtual void submit(const std::string& source, const std::vector<ScanEvent>& events, Done done,
                      const std::vector<std::string>& sha256) = 0;
  // True when some target checks files (require_exists): only then may a
  // caller give hashes.
  virtual bool checks_files() const = 0;
};

}  // namespace scanhook::core
