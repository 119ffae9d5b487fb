// The queue's value types, shared by every store (queue_store.hpp): an event
// on its way in, a folder due for a target, a delivery's outcome, and what
// the API lists.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "scanhook/result.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook::core {

using Millis = std::int64_t;  // milliseconds since the Unix epoch
Millis now_millis();

// One event, checked and rewritten for the queue: a folder and who scans it.
struct QueuedEvent {
  std::string folder;
  EventKind kind = EventKind::modified;
  int priority = 0;
  std::string source;
  std::vector<std::string> targets;
};

// An event that never entered the queue, for the history: why, and where.
// "filtered": no target takes it (one row per refusing target, or target ""
// when the source's own filter dropped it); "ignored": its source named it
// but will not queue it (Host::record_dropped).
struct DroppedEvent {
  std::string folder;
  std::string target;
  std::string target_path;
  std::string reason;
  std::string outcome = "filtered";
  std::string source;  // whose event it was
};

enum class Enqueued { added, merged };

// A folder one target owes a scan, as picked for a batch.
struct DueFolder {
  std::int64_t folder_id = 0;
  std::string path;
  EventKind kind = EventKind::modified;
  int priority = 0;
  std::int64_t generation = 0;  // the delivery's generation when picked
  int attempts = 0;
  Millis first_event = 0;
  // The instance that was sending this folder to the target when its lease
  // ran out (it died, or lost the database, mid-request): the target may
  // have it already, so this delivery may scan it twice. "": certainly not
  // sent before (always so on SQLite).
  std::string maybe_sent_by;
};

struct PendingDelivery {
  std::string target;
  int attempts = 0;
  Millis due_at = 0;
  Millis next_attempt = 0;
  std::string last_error;
};

struct QueuedFolder {
  std::string path;
  EventKind kind = EventKind::modified;
  int priority = 0;
  std::string source;
  Millis first_event = 0;
  Millis last_event = 0;
  int events = 0;
  std::vector<PendingDelivery> deliveries;
};

struct HistoryEntry {
  std::int64_t id = 0;
  std::string folder;
  std::string target;
  std::string target_path;
  std::string outcome;  // ok, rejected, dropped, filtered, ignored
  int attempts = 0;
  Millis queued_at = 0;
  Millis finished_at = 0;
  std::int64_t duration_ms = 0;
  std::string reason;
  std::string config;     // the target's verdict_fingerprint when written ("" before schema 6)
  Millis retried_at = 0;  // when a retry put the folder back in the queue; 0: never
  std::string instance;   // the scanhookd that delivered it ("" on SQLite: the only one)
  std::string source;     // whose event it follows ("" before schema 7)
};

// Which history rows QueueStore::history returns; an empty field matches all.
struct HistoryFilter {
  std::string target;
  std::string source;
  std::string outcome;
  std::string path;          // a substring of the folder or the path sent, any case (ASCII)
  Millis finished_from = 0;  // inclusive
  Millis finished_before = std::numeric_limits<Millis>::max();  // exclusive
};

// What Queue::retry did with a history row.
enum class Retried { requeued, not_found, not_rejected };

// What a target's scan of one folder came to, for Queue::record.
struct Delivery {
  std::string target;
  DueFolder folder;
  std::string target_path;
  Result result;
  Millis started = 0;
  Millis finished = 0;
  Millis retry_at = 0;  // for Status::retry
  std::string config;   // the target's verdict_fingerprint, kept with the history row
};

// A target paused by an instance that found it unavailable, as PostgreSQL
// shares it with the others.
struct SharedPause {
  Millis until = 0;  // the next probe
  std::string error;
  std::string instance;  // who paused it
};

}  // namespace scanhook::core
