#include "inotify_source.hpp"
#include "scanhook/counted.hpp"

namespace scanhook::inotify {

namespace {

std::string name_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

InotifySource::InotifySource(const WatchSettings& settings, Host& host)
    : PollingSourceBase(kTick),
      host_(host),
      ignored_(settings.ignore_suffixes, settings.ignore_hidden),
      debouncer_(settings.debounce),
      rescan_interval_(settings.rescan_interval),
      watcher_(settings.path, settings.rescan_interval, host),
      next_rescan_(ChangeDebouncer::Clock::now() + settings.rescan_interval) {
  host_.log(LogLevel::info,
            "watching " + settings.path + " (" + counted(watcher_.watched_count(), "folder") + ")");
}

std::chrono::milliseconds InotifySource::on_poll() {
  const auto now = ChangeDebouncer::Clock::now();
  note(watcher_.read_changes(), now);
  if (now >= next_rescan_) {
    if (watcher_.unwatched_count() > 0) note(watcher_.rescan(), now);
    next_rescan_ = now + rescan_interval_;
  }
  submit_due(now);
  return kTick;
}

void InotifySource::flush() noexcept {
  try {
    const auto now = ChangeDebouncer::Clock::now();
    note(watcher_.read_changes(), now);
    const std::size_t held = debouncer_.size();
    if (held == 0) return;
    submit(debouncer_.take_due(ChangeDebouncer::Clock::time_point::max()), now);
    if (debouncer_.size() == 0)
      host_.log(LogLevel::info,
                "stopping: queued the " + counted(held, "change") + " still inside debounce");
    else
      host_.log(LogLevel::warning, "stopping: could not queue " +
                                       counted(debouncer_.size(), "change") +
                                       " still inside debounce: they are lost");
  } catch (...) {
    // A failing allocation at a stop: what is held back goes with the process.
  }
}

void InotifySource::note(const std::vector<FolderChange>& changes,
                         ChangeDebouncer::Clock::time_point now) {
  for (const auto& change : changes)
    if (!ignored_.ignores(name_of(change.path)))
      debouncer_.add({change.path, !change.is_dir, change.kind, 0}, now);
}

void InotifySource::submit_due(ChangeDebouncer::Clock::time_point now) {
  submit(debouncer_.take_due(now), now);
}

void InotifySource::submit(const std::vector<ScanEvent>& due,
                           ChangeDebouncer::Clock::time_point now) {
  if (due.empty()) return;
  std::vector<ScanEvent> failed;
  if (!host_.submit(due)) {
    // One path the daemon refuses (not UTF-8, say) fails its whole batch:
    // alone, the others go through and only it is left.
    for (const auto& event : due)
      if (due.size() == 1 || !host_.submit({event})) failed.push_back(event);
  }
  if (failed.empty() || failed.size() < due.size()) {
    for (const auto& event : failed)
      host_.record_dropped(event, "the daemon refused this path (see the log line before)");
    if (submit_failing_) host_.log(LogLevel::info, "changes are queued again");
    submit_failing_ = false;
    return;
  }
  // Every one failed: the daemon cannot queue now (its database); keep them.
  const int attempts = debouncer_.put_back(failed, now + kResubmitDelay);
  if (failed.size() == 1 && attempts >= kMostAttempts) {
    debouncer_.forget(failed[0]);
    host_.record_dropped(failed[0], "the daemon would not queue it after " +
                                        std::to_string(kMostAttempts) + " tries");
    return;
  }
  if (!submit_failing_)
    host_.log(LogLevel::warning, "cannot queue " + counted(failed.size(), "change") +
                                     " now: kept, tried again every 5s");
  submit_failing_ = true;
}

}  // namespace scanhook::inotify
