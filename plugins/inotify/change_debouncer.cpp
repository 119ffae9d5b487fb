#include "change_debouncer.hpp"

#include <algorithm>

namespace scanhook::inotify {

void ChangeDebouncer::add(const ScanEvent& event, Clock::time_point now) {
  Pending& pending = pending_[{event.path, event.is_file}];
  pending.event = event;
  pending.due = now + quiet_;
}

std::vector<ScanEvent> ChangeDebouncer::take_due(Clock::time_point now) {
  std::vector<ScanEvent> due;
  attempts_.clear();
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.due <= now) {
      due.push_back(it->second.event);
      attempts_[it->first] = it->second.attempts;
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  return due;
}

int ChangeDebouncer::put_back(const std::vector<ScanEvent>& events, Clock::time_point at) {
  int most = 0;
  for (const auto& event : events) {
    const Key key{event.path, event.is_file};
    const int attempts = attempts_[key] + 1;
    pending_[key] = {event, at, attempts};
    most = std::max(most, attempts);
  }
  return most;
}

}  // namespace scanhook::inotify
