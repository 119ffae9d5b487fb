#include "scanhook/core/web/explain_routes.hpp"

#include <algorithm>

#include "scanhook/core/config/suggestion.hpp"
#include "scanhook/core/http/json_body.hpp"
#include "scanhook/core/http/json_writer.hpp"
#include "scanhook/core/pipeline/path_rules.hpp"
#include "scanhook/core/pipeline/pipeline_builder.hpp"
#include "scanhook/core/web/queue_routes.hpp"

namespace scanhook::core {

namespace {

using support::JsonTree;

// What `slot` would do with a folder `plan` takes to it as `target_plan`.
void write_target(JsonWriter& json, const TargetSlot& slot, const EventPlan& plan,
                  const TargetPlan& target_plan) {
  json.member("stage", stage_name(slot.target->stage()));
  if (!target_plan.accepted) return;
  if (slot.presence)
    json.key("require_exists")
        .begin_object()
        .member("local_path", slot.presence->local_path(plan.folder))
        .member("missing", slot.presence->missing(plan.folder, now_millis()).value_or(""))
        .end_object();
  const Explanation explanation = slot.target->explain({target_plan.path, EventKind::modified, 0});
  json.key("explain")
      .begin_object()
      .member("verdict", status_name(explanation.verdict.status))
      .member("reason", explanation.verdict.reason)
      .member("library", explanation.library)
      .key("requests")
      .begin_array();
  for (const auto& planned : explanation.requests)
    json.begin_object()
        .member("method", planned.method)
        .member("url", planned.url)
        .member("body", planned.body)
        .end_object();
  json.end_array().end_object();
}

HttpReply explain(const Intake& intake, const std::vector<std::string>& sources,
                  const std::vector<TargetSlot>& targets, const HttpRequest& request) {
  const auto body = json_body(request);
  if (!body) return json_error(400, body.error().text());
  const auto path = json_string(*body, 0, "path");
  if (!path)
    return json_error(400, "\"path\" must be a string: the path as the source would send it");
  const bool has_source = body->member(0, "source") != JsonTree::kNone;
  const auto given_source = json_string(*body, 0, "source");
  if (has_source && !given_source)
    return json_error(400, "\"source\" must be a string: a source's name");
  const std::string source = given_source.value_or(kApiSource);
  if (std::find(sources.begin(), sources.end(), source) == sources.end())
    return json_error(400, "no source named \"" + source + "\"" + did_you_mean(source, sources));
  const auto is_file_node = body->member(0, "is_file");
  if (is_file_node != JsonTree::kNone && body->type(is_file_node) != JsonTree::Type::boolean)
    return json_error(400, "\"is_file\" must be true or false");
  const bool is_file = is_file_node != JsonTree::kNone && body->value(is_file_node) == "true";
  // The door would refuse it whatever the rules: say so without echoing it.
  if (path->size() > kMaxPathBytes)
    return json_error(400, check_path(*path).error().message + ": " + quoted_excerpt(*path));
  const EventPlan plan = intake.plan(source, {*path, is_file, EventKind::modified, 0});

  JsonWriter json;
  json.begin_object()
      .member("input", plan.input)
      .member("source", source)
      .key("rewrite")
      .begin_object()
      .member("rule", plan.rewrite_rule)
      .member("result", plan.rewritten)
      .end_object()
      .key("door")
      .begin_object()
      .member("ok", plan.error.empty())
      .member("error", plan.error)
      .member("path", plan.checked)
      .end_object()
      .key("filter")
      .begin_object()
      .member("accepted", plan.error.empty() && plan.source_filter.accepted)
      .member("reason", plan.source_filter.reason)
      .end_object()
      .member("folder", plan.folder)
      .key("targets")
      .begin_array();
  for (const auto& target_plan : plan.targets) {
    json.begin_object()
        .member("target", target_plan.target)
        .member("path", target_plan.path)
        .member("rewrite_rule", target_plan.rewrite_rule)
        .member("accepted", target_plan.accepted)
        .member("reason", target_plan.reason);
    const auto slot = std::find_if(targets.begin(), targets.end(), [&](const TargetSlot& s) {
      return s.name == target_plan.target;
    });
    if (slot != targets.end()) write_target(json, *slot, plan, target_plan);
    json.end_object();
  }
  json.end_array().member("queued", plan.queued()).end_object();
  return json.reply(200);
}

}  // namespace

void add_explain_route(Router& router, const Intake& intake, std::vector<std::string> sources,
                       const std::vector<TargetSlot>& targets) {
  router.add("POST", "/api/explain", Access::user,
             [&intake, sources = std::move(sources), &targets](const HttpRequest& request,
                                                               const RouteParams&) {
               return explain(intake, sources, targets, request);
             });
}

}  // namespace scanhook::core
