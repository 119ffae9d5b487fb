#include "scanhook/support/arr_webhook_source.hpp"

#include <cstddef>

namespace scanhook::support {

WebhookOutcome ArrWebhookSource::on_request(const HttpRequest& request) {
  // The apps POST; Sonarr, Radarr and Lidarr can be set to PUT.
  if (request.method != "POST" && request.method != "PUT")
    return WebhookOutcome::failed(405, app_ + " webhooks use POST or PUT, not " + request.method);

  const auto payload = ArrPayload::parse(request.body);
  if (!payload) return WebhookOutcome::malformed(payload.error().message);
  const auto event_type = payload->text("eventType");
  if (!event_type) return WebhookOutcome::malformed("body has no eventType");

  for (const auto& rule : rules_) {
    if (*event_type != rule.event_type) continue;
    if (rule.handler == nullptr)
      return WebhookOutcome::ignored(*event_type + " changes nothing on disk");
    ArrEvents events(*payload, *event_type, root_field_);
    rule.handler(events);
    // Quoted: the eventType comes from outside and may hold control characters.
    for (const auto& note : events.notes())
      host_.log(
          note.warning ? LogLevel::warning : LogLevel::info,
          "[source." + instance_ + "] " + app_ + " " + json_quote(*event_type) + ": " + note.text);
    for (const auto& [event, reason] : events.dropped()) host_.record_dropped(event, reason);
    return events.outcome();
  }
  return unknown_event(*event_type);
}

WebhookOutcome ArrWebhookSource::unknown_event(const std::string& event_type) {
  // A newer app may send events this plugin does not know yet: answer 2xx so
  // the app does not report a failing webhook, and say so once.
  // The set is capped so a sender inventing names cannot grow it without end.
  constexpr std::size_t kRememberedUnknown = 64;
  bool first = false;
  {
    std::lock_guard lock(mutex_);
    if (unknown_seen_.size() < kRememberedUnknown) first = unknown_seen_.insert(event_type).second;
  }
  // Quoted: the name comes from outside and may hold control characters.
  if (first)
    host_.log(LogLevel::warning, "[source." + instance_ + "] unknown " + app_ + " eventType " +
                                     json_quote(event_type) + ": ignored (logged once)");
  return WebhookOutcome::ignored("unknown eventType " + event_type + ": nothing to scan");
}

}  // namespace scanhook::support
