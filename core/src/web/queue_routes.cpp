#include "scanhook/core/web/queue_routes.hpp"

#include "scanhook/core/http/api_reply.hpp"
#include "scanhook/core/http/json_writer.hpp"
#include "scanhook/core/pipeline/dispatcher.hpp"
#include "scanhook/core/web/query_parameters.hpp"

namespace scanhook::core {

const char* stage_name(Stage stage) {
  return stage == Stage::prepare ? "prepare" : "scan";
}

namespace {

HttpReply queue_reply(QueueStore& queue, DeliveryStatus& status, const HttpRequest& request) {
  if (const auto known =
          known_parameters(request, {"limit", "offset"}, "the queue takes limit and offset");
      !known)
    return json_error(400, known.error().text());
  const auto page = page_of(request);
  if (!page) return json_error(400, page.error().text());
  JsonWriter json;
  json.begin_object()
      .member("total", queue.folder_count())
      .member("limit", page->limit)
      .member("offset", page->offset)
      .member("blocked", status.blocked_reason().value_or(""))
      .key("folders")
      .begin_array();
  for (const auto& folder : queue.list(page->limit, page->offset)) {
    json.begin_object()
        .member("path", folder.path)
        .member("kind", event_kind_name(folder.kind))
        .member("priority", folder.priority)
        .member("source", folder.source)
        .member("first_event", folder.first_event)
        .member("last_event", folder.last_event)
        .member("events", folder.events)
        .key("deliveries")
        .begin_array();
    for (const auto& delivery : folder.deliveries)
      json.begin_object()
          .member("target", delivery.target)
          .member("attempts", delivery.attempts)
          .member("due_at", delivery.due_at)
          .member("next_attempt", delivery.next_attempt)
          .member("last_error", delivery.last_error)
          .end_object();
    json.end_array().end_object();
  }
  json.end_array()
      .member("unreadable_rows",
              queue.unreadable().count("folders") + queue.unreadable().count("deliveries"))
      .end_object();
  return json.reply(200);
}

HttpReply targets_reply(DeliveryStatus& status) {
  const std::optional<std::string> blocked = status.blocked_reason();
  const Millis now = now_millis();
  JsonWriter json;
  json.begin_object().key("targets").begin_array();
  for (const auto& state : status.states())
    json.begin_object()
        .member("name", state.name)
        .member("stage", stage_name(state.stage))
        .member("state", blocked        ? "blocked"
                         : state.paused ? "paused"
                                        : "running")
        .member("paused", state.paused)
        .member("blocked", blocked.value_or(""))
        .member("last_error", state.last_error)
        .member("last_error_at", state.last_error_at)
        .member("last_error_past", state.last_error_past)
        .member("next_attempt", state.next_attempt)
        .member("last_delivery", state.last_delivery)
        .member("queued", state.queued)
        .member("failing_since", state.failing_since)
        .member("last_answer", state.last_answer)
        .member("failing_seconds",
                state.failing_since == 0 ? Millis{0} : (now - state.failing_since) / 1000)
        .end_object();
  json.end_array().end_object();
  return json.reply(200);
}

}  // namespace

void add_queue_routes(Router& router, QueueStore& queue, DeliveryStatus& status) {
  router.add("GET", "/api/queue", Access::user,
             [&queue, &status](const HttpRequest& request, const RouteParams&) {
               return queue_reply(queue, status, request);
             });
  router.add(
      "GET", "/api/targets", Access::user,
      [&status](const HttpRequest& request, const RouteParams&) {
        if (const auto known = known_parameters(request, {}, "/api/targets takes no parameters");
            !known)
          return json_error(400, known.error().text());
        return targets_reply(status);
      });
}

}  // namespace scanhook::core
