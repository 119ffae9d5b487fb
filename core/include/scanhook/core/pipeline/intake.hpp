// Turns a source's ScanEvents into queue rows: the door check, the source's
// rewrite and filters, file → folder, then per target its rewrite, filters
// and the loop rule (a source's events never go back to its origin target).
// The same steps answer /api/explain, so what it shows is what happens.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "scanhook/core/expected.hpp"
#include "scanhook/core/pipeline/path_rules.hpp"
#include "scanhook/core/pipeline/queue.hpp"
#include "scanhook/scan_event.hpp"

namespace scanhook::core {

struct SourceRules {
  std::string name;
  PathRules rules;
  int priority = 0;
  std::string origin_target;  // "" when none
};

struct TargetRules {
  std::string name;
  PathRules rules;
  bool scan_origin = false;
};

// One target's view of one folder.
struct TargetPlan {
  std::string target;
  std::string path;  // after the target's rewrite
  std::string rewrite_rule;
  bool accepted = false;
  std::string reason;  // why not, when not accepted
};

// Every step of one event, for ingest and for explain.
struct EventPlan {
  std::string input;
  std::string rewritten;  // after the source's rewrite
  std::string rewrite_rule;
  std::string error;  // the door's refusal; nothing else is set then
  std::string checked;
  FilterVerdict source_filter;
  std::string folder;
  std::vector<TargetPlan> targets;
  bool queued() const;  // some target takes it
};

struct IntakeResult {
  std::vector<QueuedEvent> events;
  std::size_t filtered = 0;           // events no target takes
  std::vector<DroppedEvent> dropped;  // why, for the history: one or more rows per filtered event
};

class Intake {
 public:
  Intake(std::vector<SourceRules> sources, std::vector<TargetRules> targets);

  EventPlan plan(const std::string& source, const ScanEvent& event) const;
  // What to queue and what no target takes; or, when some event fails the
  // door, an Error with its refusal (the request's 400): nothing is queued then.
  Expected<IntakeResult> admit(const std::string& source,
                               const std::vector<ScanEvent>& events) const;
  // The folder as `target`'s rewrite makes it, not yet checked (check_target_path).
  std::string target_rewrite(const std::string& target, const std::string& folder) const;

  const std::vector<TargetRules>& targets() const { return targets_; }

 private:
  const SourceRules& source_rules(const std::string& source) const;

  std::map<std::string, SourceRules> sources_;
  std::vector<TargetRules> targets_;
  SourceRules unconfigured_;
};

}  // namespace scanhook::core
