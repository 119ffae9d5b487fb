// A source's events on their way into the queue: counted per source, checked,
// rewritten and filtered (Intake), the files require_exists targets wait for
// noted (ExpectedFiles), then committed by the group commit (Ingest). Events
// a source names but will not queue leave a history row and a log line.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/core/pipeline/event_sink.hpp"
#include "scanhook/core/pipeline/expected_files.hpp"
#include "scanhook/core/pipeline/ingest.hpp"
#include "scanhook/core/pipeline/intake.hpp"
#include "scanhook/core/pipeline/metrics.hpp"

namespace scanhook::core {

class SourceIngest final : public EventSink {
 public:
  // `sources`: every name events may come from (the configured sources and
  // the built-in "manual" and "api"), each with its counters in `metrics`.
  // `expected_files`: null when no target has require_exists.
  SourceIngest(const Intake& intake, Ingest& ingest, Metrics& metrics,
               const std::vector<std::string>& sources,
               std::shared_ptr<ExpectedFiles> expected_files);

  void submit(const std::string& source, const std::vector<ScanEvent>& events, Done done,
              const std::vector<std::string>& sha256) override;
  bool checks_files() const override { return expected_files_ != nullptr; }

  // Keeps an event that `source` named but will not queue: a history row
  // (outcome "ignored", the folder after the source's rewrite) in the next
  // commit, and one info line (Host::record_dropped).
  void record_dropped(const std::string& source, const ScanEvent& event, const std::string& reason);

 private:
  struct Counters {
    Counter* received = nullptr;
    Counter* merged = nullptr;
    Counter* rejected = nullptr;
    Counter* filtered = nullptr;
  };

  // For require_exists targets: keeps the files `events` name, before they
  // are committed; what went wrong when they could not be kept.
  std::optional<std::string> expect_files(const std::string& source,
                                          const std::vector<ScanEvent>& events,
                                          const std::vector<std::string>& sha256);

  const Intake& intake_;
  Ingest& ingest_;
  std::map<std::string, Counters> counters_;
  std::shared_ptr<ExpectedFiles> expected_files_;
};

}  // namespace scanhook::core
