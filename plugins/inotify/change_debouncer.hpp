// Holds each changed path until it has been quiet for a while, so a file
// written in many steps, or a folder filled file by file, is submitted once.
#pragma once

#include <chrono>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "scanhook/scan_event.hpp"

namespace scanhook::inotify {

class ChangeDebouncer {
 public:
  using Clock = std::chrono::steady_clock;

  explicit ChangeDebouncer(std::chrono::milliseconds quiet) : quiet_(quiet) {}

  // A change of `event.path`: due `quiet` after now; an earlier change of the
  // same path is replaced (its clock restarts, the newest kind wins).
  void add(const ScanEvent& event, Clock::time_point now);
  // The changes quiet since their due time, oldest path first; they leave.
  std::vector<ScanEvent> take_due(Clock::time_point now);
  // Changes taken but not submitted: due again at `at`. Returns how many
  // times the most-tried of them has been put back.
  int put_back(const std::vector<ScanEvent>& events, Clock::time_point at);
  // Drops the pending change of `event`'s path (given up).
  void forget(const ScanEvent& event) { pending_.erase({event.path, event.is_file}); }
  std::size_t size() const { return pending_.size(); }

 private:
  struct Pending {
    ScanEvent event;
    Clock::time_point due;
    int attempts = 0;
  };
  using Key = std::pair<std::string, bool>;  // path, is_file

  std::chrono::milliseconds quiet_;
  std::map<Key, Pending> pending_;
  std::map<Key, int> attempts_;  // of changes taken and not yet put back or forgotten
};

}  // namespace scanhook::inotify
