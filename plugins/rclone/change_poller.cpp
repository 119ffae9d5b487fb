#include "change_poller.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <vector>

#include "listing_diff.hpp"
#include "listing_parser.hpp"
#include "scanhook/counted.hpp"
#include "scanhook/http.hpp"

namespace scanhook::rclone {

namespace {

constexpr std::chrono::milliseconds kFirstBackoff{std::chrono::seconds(5)};

}  // namespace

ChangePoller::ChangePoller(RcClient rc, PollSettings settings, Host& host)
    : PollingSourceBase(std::max(settings.interval, kFirstBackoff)),
      rc_(std::move(rc)),
      settings_(std::move(settings)),
      host_(host),
      store_(host) {}

std::optional<Listing> ChangePoller::fetch() {
  // filesOnly and noMimeType keep the answer (and rclone's work) small.
  const std::string body = "{\"fs\":" + json_quote(settings_.remote) +
                           ",\"remote\":\"\",\"opt\":{\"recurse\":true,\"filesOnly\":true,"
                           "\"noMimeType\":true}}";
  const auto response = rc_.call("operations/list", body);
  if (!response.success()) {
    back_off("cannot list " + settings_.remote + ": " +
             rc_.failure(response, "operations/list").reason);
    return std::nullopt;
  }
  try {
    UntimedFiles untimed;
    Listing listing = parse_listing(response.body, untimed);
    listing.sort();
    if (untimed.count > 0 && !untimed_logged_) {
      untimed_logged_ = true;
      host_.log(LogLevel::info,
                counted(untimed.count, "file") + " of " + settings_.remote +
                    (untimed.count == 1 ? " has" : " have") +
                    " no readable ModTime (the first: \"" + untimed.first_path + "\", ModTime \"" +
                    untimed.first_mod_time +
                    "\"; rclone writes \"\" when the backend gives no time): they are compared "
                    "by size only, so a change that keeps the size is not seen (logged once)");
    }
    return listing;
  } catch (const std::runtime_error& error) {
    back_off("cannot read the listing of " + settings_.remote + ": " + error.what());
    return std::nullopt;
  }
}

std::chrono::milliseconds ChangePoller::back_off(const std::string& reason) {
  if (backoff_.count() == 0)
    host_.log(LogLevel::warning,
              reason + " (keeping the previous listing; retrying with backoff, logged once)");
  backoff_ = std::min(settings_.interval, backoff_.count() == 0 ? kFirstBackoff : backoff_ * 2);
  return backoff_;
}

void ChangePoller::persist(const Listing& listing, const std::set<std::uint32_t>& buckets) {
  const bool saved = persist_all_ ? store_.save_all(listing, settings_.remote)
                                  : store_.save_buckets(listing, settings_.remote, buckets);
  if (!saved)
    host_.log(LogLevel::warning,
              "could not store the listing of " + settings_.remote +
                  ": a restart before the next successful store may report changes again");
  persist_all_ = !saved;
}

bool ChangePoller::hold(std::size_t deleted) {
  const bool too_many = settings_.max_deleted_percent < 100 && deleted >= kFewestHeld &&
                        deleted * 100 > baseline_->size() * settings_.max_deleted_percent;
  if (too_many && !holding_)
    host_.log(LogLevel::warning,
              "holding the changes of " + settings_.remote + ": " + std::to_string(deleted) +
                  " of its " + counted(baseline_->size(), "file") +
                  (deleted == 1 ? " is" : " are") +
                  " gone since the last listing, more than max_deleted_percent = " +
                  std::to_string(settings_.max_deleted_percent) +
                  "%, which looks like a remote or mount failure; nothing is queued and the "
                  "previous listing is kept (logged once). If the files really were deleted, "
                  "raise max_deleted_percent (100: off) and restart");
  if (!too_many && holding_)
    host_.log(LogLevel::info, "the listing of " + settings_.remote +
                                  " is within max_deleted_percent "
                                  "again: polling resumes");
  holding_ = too_many;
  return too_many;
}

std::chrono::milliseconds ChangePoller::on_poll() {
  // Several instances on one store take turns polling: one that had lost
  // its turn would diff against its own older listing and queue again what
  // the other instance already queued.
  if (loaded_ && store_.changed_elsewhere()) {
    host_.log(LogLevel::info, "the stored listing of " + settings_.remote +
                                  " was saved by another instance since this one last polled");
    loaded_ = false;
  }
  if (!loaded_) {
    loaded_ = true;
    // None readable: the listing in hand, if any, is kept (a duplicate scan
    // rather than a missed change).
    if (auto stored = store_.load(settings_.remote)) {
      baseline_ = std::move(stored);
      host_.log(LogLevel::info, "resuming from the stored listing of " + settings_.remote + " (" +
                                    counted(baseline_->size(), "file") + ")");
    }
  }
  auto listing = fetch();
  if (!listing) return backoff_;
  if (backoff_.count() != 0) host_.log(LogLevel::info, "rclone answers again: polling resumes");
  backoff_ = std::chrono::milliseconds{0};

  if (!baseline_) {
    persist_all_ = true;
    persist(*listing, {});
    host_.log(LogLevel::info, "recorded a baseline of " + counted(listing->size(), "file") +
                                  " of " + settings_.remote + "; changes from now on are reported");
    baseline_ = std::move(listing);
    return settings_.interval;
  }

  std::vector<ScanEvent> events;
  std::set<std::uint32_t> buckets;
  std::size_t deleted = 0;
  diff_listings(*baseline_, *listing, [&](const FileEntry& entry, EventKind kind) {
    events.push_back({settings_.path_prefix + "/" + std::string(entry.path), true, kind, 0});
    buckets.insert(ListingStore::bucket_of(entry.path));
    deleted += kind == EventKind::deleted;
  });
  if (hold(deleted)) return settings_.interval;
  if (events.empty()) {
    if (persist_all_) persist(*listing, {});
    return settings_.interval;
  }
  if (!host_.submit(events)) {
    host_.log(LogLevel::warning,
              "could not queue " + counted(events.size(), "change") + " of " + settings_.remote +
                  ": keeping the previous listing, they are found again next poll");
    return settings_.interval;
  }
  persist(*listing, buckets);
  host_.log(LogLevel::info,
            "queued " + counted(events.size(), "change") + " of " + settings_.remote);
  baseline_ = std::move(listing);
  return settings_.interval;
}

}  // namespace scanhook::rclone
