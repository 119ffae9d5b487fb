// The `inotify` polling source: watches a local folder tree and submits the
// files and folders that changed there, once each has been quiet for
// `debounce`, leaving out temporary names (ignored_names.hpp). At a stop the
// changes still inside `debounce` are submitted at once (FlushOnStop): the
// kernel does not replay them at the next start.
#pragma once

#include <chrono>
#include <string>

#include "change_debouncer.hpp"
#include "folder_watcher.hpp"
#include "ignored_names.hpp"
#include "scanhook/flush_on_stop.hpp"
#include "scanhook/host.hpp"
#include "scanhook/polling_source.hpp"

namespace scanhook::inotify {

struct WatchSettings {
  std::string path;  // the root folder, absolute
  std::chrono::milliseconds debounce{std::chrono::seconds(5)};
  std::chrono::milliseconds rescan_interval{std::chrono::minutes(5)};
  std::string ignore_suffixes = kDefaultIgnoredSuffixes;
  bool ignore_hidden = true;
};

class InotifySource final : public PollingSourceBase, public FlushOnStop {
 public:
  // How often the kernel's queue is read (the core's poller sleeps in between).
  static constexpr std::chrono::milliseconds kTick{100};
  // A batch the daemon could not queue (its database failing) is tried again after this.
  static constexpr std::chrono::milliseconds kResubmitDelay{std::chrono::seconds(5)};
  // A change that alone fails this many times is given up, with a history row.
  static constexpr int kMostAttempts = 12;

  // Throws std::runtime_error when the folder cannot be watched at all.
  InotifySource(const WatchSettings& settings, Host& host);

  // Submits every change seen so far (the kernel's queue read once more),
  // quiet or not.
  void flush() noexcept override;

 protected:
  std::chrono::milliseconds on_poll() override;

 private:
  void note(const std::vector<FolderChange>& changes, ChangeDebouncer::Clock::time_point now);
  void submit_due(ChangeDebouncer::Clock::time_point now);
  // Submits `due`, taken from the debouncer; what the daemon cannot queue now
  // goes back to it (tried again after kResubmitDelay).
  void submit(const std::vector<ScanEvent>& due, ChangeDebouncer::Clock::time_point now);

  Host& host_;
  IgnoredNames ignored_;
  ChangeDebouncer debouncer_;
  std::chrono::milliseconds rescan_interval_;
  FolderWatcher watcher_;
  ChangeDebouncer::Clock::time_point next_rescan_;
  bool submit_failing_ = false;
};

}  // namespace scanhook::inotify
