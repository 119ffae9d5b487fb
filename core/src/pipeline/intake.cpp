#include "scanhook/core/pipeline/intake.hpp"

namespace scanhook::core {

namespace {

// The step that dropped a planned event, as history rows.
void add_dropped(const EventPlan& plan, const std::string& source,
                 std::vector<DroppedEvent>& rows) {
  if (!plan.source_filter.accepted)
    return rows.push_back({plan.folder, "", plan.checked,
                           "the source's filter dropped it: " + plan.source_filter.reason,
                           "filtered", source});
  if (plan.targets.empty())
    return rows.push_back(
        {plan.folder, "", plan.folder, "no target is configured", "filtered", source});
  for (const auto& target : plan.targets)
    rows.push_back({plan.folder, target.target, target.path, target.reason, "filtered", source});
}

}  // namespace

bool EventPlan::queued() const {
  for (const auto& target : targets)
    if (target.accepted) return true;
  return false;
}

Intake::Intake(std::vector<SourceRules> sources, std::vector<TargetRules> targets)
    : targets_(std::move(targets)) {
  for (auto& source : sources) {
    const std::string name = source.name;
    sources_.emplace(name, std::move(source));
  }
}

const SourceRules& Intake::source_rules(const std::string& source) const {
  const auto it = sources_.find(source);
  return it == sources_.end() ? unconfigured_ : it->second;
}

EventPlan Intake::plan(const std::string& source, const ScanEvent& event) const {
  const SourceRules& rules = source_rules(source);
  EventPlan plan;
  plan.input = event.path;
  const Rewritten rewritten = rules.rules.rewrite(event.path);
  plan.rewritten = rewritten.path;
  plan.rewrite_rule = rewritten.rule;
  const auto checked = check_path(rewritten.path);
  if (!checked) {
    plan.error =
        checked.error().message + ": " + quoted_excerpt(event.path) +
        (rewritten.rule.empty() ? "" : " (rewritten to " + quoted_excerpt(rewritten.path) + ")");
    return plan;
  }
  plan.checked = *checked;
  plan.source_filter = rules.rules.filter(*checked);
  plan.folder = event.is_file ? parent_folder(*checked) : *checked;
  if (!plan.source_filter.accepted) return plan;
  for (const auto& target : targets_) {
    TargetPlan target_plan;
    target_plan.target = target.name;
    const Rewritten out = target.rules.rewrite(plan.folder);
    target_plan.rewrite_rule = out.rule;
    const auto out_checked = check_target_path(out.path);
    target_plan.path = out_checked ? *out_checked : out.path;
    if (!out_checked) {
      target_plan.reason = "the target's rewrite made a bad path: " + out_checked.error().message;
    } else if (target.name == rules.origin_target && !target.scan_origin) {
      target_plan.reason = "the event came from this target's own server (origin_target of " +
                           source + "); set scan_origin = true to scan it anyway";
    } else if (const FilterVerdict verdict = target.rules.filter(*out_checked); !verdict.accepted) {
      target_plan.reason = verdict.reason;
    } else {
      target_plan.accepted = true;
    }
    plan.targets.push_back(std::move(target_plan));
  }
  return plan;
}

Expected<IntakeResult> Intake::admit(const std::string& source,
                                     const std::vector<ScanEvent>& events) const {
  IntakeResult result;
  const int source_priority = source_rules(source).priority;
  for (const auto& event : events) {
    EventPlan plan = this->plan(source, event);
    if (!plan.error.empty()) return failure(plan.error);
    QueuedEvent queued{plan.folder, event.kind, event.priority + source_priority, source, {}};
    for (const auto& target : plan.targets)
      if (target.accepted) queued.targets.push_back(target.target);
    if (queued.targets.empty()) {
      ++result.filtered;
      add_dropped(plan, source, result.dropped);
      continue;
    }
    result.events.push_back(std::move(queued));
  }
  return result;
}

std::string Intake::target_rewrite(const std::string& target, const std::string& folder) const {
  for (const auto& rules : targets_)
    if (rules.name == target) return rules.rules.rewrite(folder).path;
  return folder;
}

}  // namespace scanhook::core
