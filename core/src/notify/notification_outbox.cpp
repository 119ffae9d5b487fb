#include "scanhook/core/notify/notification_outbox.hpp"

#include <algorithm>

namespace scanhook::core {

namespace {

constexpr NotificationEvent kEvents[] = {
    NotificationEvent::delivered, NotificationEvent::rejected, NotificationEvent::target_down,
    NotificationEvent::target_up, NotificationEvent::dead_letter};

std::string trimmed(const std::string& text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string::npos) return {};
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

}  // namespace

Expected<std::vector<NotificationEvent>> parse_notification_events(const std::string& text) {
  std::vector<NotificationEvent> events;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = std::min(text.find(',', start), text.size());
    const std::string word = trimmed(text.substr(start, comma - start));
    start = comma + 1;
    if (word.empty()) continue;
    const auto known = std::find_if(std::begin(kEvents), std::end(kEvents), [&](auto event) {
      return word == notification_event_name(event);
    });
    if (known == std::end(kEvents)) {
      return failure("unknown event \"" + word + "\"",
                     "use delivered, rejected, target_down, target_up, dead_letter");
    }
    if (std::find(events.begin(), events.end(), *known) == events.end()) events.push_back(*known);
  }
  if (events.empty()) {
    return failure("no event named",
                   "name at least one: delivered, rejected, target_down, target_up, dead_letter");
  }
  return events;
}

NotificationOutbox::NotificationOutbox(std::vector<NotifierSubscription> subscribers)
    : subscribers_(std::move(subscribers)) {}

std::vector<std::string> NotificationOutbox::wanting(NotificationEvent event) const {
  std::vector<std::string> names;
  for (const auto& subscriber : subscribers_)
    if (std::find(subscriber.events.begin(), subscriber.events.end(), event) !=
        subscriber.events.end())
      names.push_back(subscriber.name);
  return names;
}

std::vector<std::string> NotificationOutbox::unsubscribed(
    const std::vector<std::string>& with_rows) const {
  std::vector<std::string> gone;
  for (const auto& name : with_rows)
    if (std::none_of(subscribers_.begin(), subscribers_.end(),
                     [&](const NotifierSubscription& s) { return s.name == name; }))
      gone.push_back(name);
  return gone;
}

}  // namespace scanhook::core
