#include "scanhook/core/pipeline/source_ingest.hpp"

#include <Poco/Logger.h>

#include "scanhook/http.hpp"

namespace scanhook::core {

namespace {

// One info line per event that never entered the queue.
void log_dropped(const std::string& source, const DroppedEvent& row) {
  Poco::Logger::get("scanhook.engine")
      .information("[source.%s] not queued: %s%s: %s", source, json_quote(row.folder),
                   row.target.empty() ? std::string() : " for [target." + row.target + "]",
                   row.reason);
}

}  // namespace

SourceIngest::SourceIngest(const Intake& intake, Ingest& ingest, Metrics& metrics,
                           const std::vector<std::string>& sources,
                           std::shared_ptr<ExpectedFiles> expected_files)
    : intake_(intake), ingest_(ingest), expected_files_(std::move(expected_files)) {
  for (const auto& name : sources) {
    const Labels labels{{"source", name}};
    counters_[name] = {
        &metrics.counter("scanhook_events_received_total", "events received from sources", labels),
        &metrics.counter("scanhook_events_merged_total",
                         "events merged into a folder already queued", labels),
        &metrics.counter("scanhook_events_rejected_total", "events refused at the door (bad path)",
                         labels),
        &metrics.counter("scanhook_events_filtered_total",
                         "events no target takes (filters, loop rule)", labels)};
  }
}

void SourceIngest::submit(const std::string& source, const std::vector<ScanEvent>& events,
                          Done done, const std::vector<std::string>& sha256) {
  const auto found = counters_.find(source);
  const Counters* counters = found == counters_.end() ? nullptr : &found->second;
  if (counters) counters->received->add(static_cast<double>(events.size()));
  auto checked = intake_.admit(source, events);
  if (!checked) {
    if (counters) counters->rejected->add(static_cast<double>(events.size()));
    return done({400, checked.error().text(), 0, 0, 0});
  }
  IntakeResult admitted = std::move(checked).value();
  if (counters) counters->filtered->add(static_cast<double>(admitted.filtered));
  if (auto refused = expect_files(source, events, sha256)) return done({503, *refused, 0, 0, 0});
  // Nothing vanishes: each dropped event is logged, and kept in the history.
  for (const auto& row : admitted.dropped) log_dropped(source, row);
  ingest_.submit_async(
      std::move(admitted.events),
      [counters, filtered = admitted.filtered, done = std::move(done)](IngestReceipt receipt) {
        if (!receipt.committed) return done({503, receipt.error, 0, 0, 0});
        if (counters) counters->merged->add(static_cast<double>(receipt.merged));
        done({200, "", receipt.added, receipt.merged, filtered});
      },
      std::move(admitted.dropped));
}

std::optional<std::string> SourceIngest::expect_files(const std::string& source,
                                                      const std::vector<ScanEvent>& events,
                                                      const std::vector<std::string>& sha256) {
  if (!expected_files_) return std::nullopt;
  std::vector<FolderFile> files;
  for (std::size_t i = 0; i < events.size(); ++i) {
    if (!events[i].is_file) continue;
    const EventPlan plan = intake_.plan(source, events[i]);
    if (plan.error.empty() && plan.queued())
      files.push_back({plan.folder, {plan.checked, i < sha256.size() ? sha256[i] : ""}});
  }
  try {
    expected_files_->add(std::move(files), now_millis());
    return std::nullopt;
  } catch (const std::exception& error) {
    // Queued without them, the folder would reach require_exists targets unchecked.
    return std::string("cannot keep the files require_exists waits for: ") + error.what();
  }
}

void SourceIngest::record_dropped(const std::string& source, const ScanEvent& event,
                                  const std::string& reason) {
  // The folder as the queue would have named it; a path the door refuses as sent.
  const EventPlan plan = intake_.plan(source, event);
  DroppedEvent row{plan.error.empty() ? plan.folder : event.path,
                   "",
                   plan.error.empty() ? plan.checked : event.path,
                   reason,
                   "ignored",
                   source};
  log_dropped(source, row);
  // Through the group commit, without waiting: the webhook's answer does not depend on it.
  ingest_.submit_async({}, [](const IngestReceipt&) {}, {std::move(row)});
}

}  // namespace scanhook::core
