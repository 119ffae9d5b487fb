// A notifier tells people what happened to their scans (Discord, a JSON
// webhook): folders delivered or rejected, a target down and back up, a
// webhook kept as a dead letter. Since SDK 1.2 (kind kNotifier).
//
// Notifications are kept in the core's database from the moment the event
// they report is committed until a notifier answers ok (or rejected), so a
// restart loses none; the core batches them (`batch_wait`) and spaces sends
// (`min_interval`). A notifier only turns one batch into one message.
#pragma once

#include <cstddef>
#include <cstdint>
#include <exception>
#include <string>
#include <vector>

#include "scanhook/instance.hpp"
#include "scanhook/result.hpp"

namespace scanhook {

enum class NotificationEvent : std::uint8_t {
  delivered,    // a target scanned the folder
  rejected,     // a target refused the folder for good (`reason`)
  target_down,  // a target stopped answering and is paused (`reason`)
  target_up,    // a paused target answers again
  dead_letter,  // a webhook could not be used and was kept (`reason`; `folder` is empty)
};

// "delivered", "rejected", "target_down", "target_up", "dead_letter": the
// words of a [notify.NAME] section's `events` key and of JSON bodies.
inline const char* notification_event_name(NotificationEvent event) {
  switch (event) {
    case NotificationEvent::delivered: return "delivered";
    case NotificationEvent::rejected: return "rejected";
    case NotificationEvent::target_down: return "target_down";
    case NotificationEvent::target_up: return "target_up";
    case NotificationEvent::dead_letter: return "dead_letter";
  }
  return "unknown";
}

struct Notification {
  std::int64_t id = 0;  // the core's, increasing, never reused: lets a receiver drop repeats
  NotificationEvent event = NotificationEvent::delivered;
  std::string subject;  // the target's name, or the source's for a dead letter
  std::string folder;   // as the target was given it; "" for target and source events
  std::string reason;
  std::int64_t at_ms = 0;  // when it happened, milliseconds since the Unix epoch (UTC)
};

class Notifier : public Instance {
 public:
  // The most notifications send() takes at once (one message).
  virtual std::size_t max_batch() const noexcept = 0;
  // One result for the whole batch: ok (sent), retry (later, after
  // retry_after if set), unavailable (the receiver is down or refuses us:
  // kept, tried again after the probe interval), rejected (this batch can
  // never be sent: dropped, with the reason logged).
  virtual Result send(const std::vector<Notification>& batch) noexcept = 0;
};

// Plugins derive from this: exceptions stay inside the plugin.
class NotifierBase : public Notifier {
 public:
  Result send(const std::vector<Notification>& batch) noexcept final {
    try {
      return on_send(batch);
    } catch (const std::exception& error) {
      return Result::retry(std::string("internal error: ") + error.what());
    } catch (...) {
      return Result::retry("internal error");
    }
  }

 protected:
  virtual Result on_send(const std::vector<Notification>& batch) = 0;
};

}  // namespace scanhook
