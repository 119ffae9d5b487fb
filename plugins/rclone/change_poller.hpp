// The polling source: lists an rclone remote through the remote control
// (operations/list), diffs the listing against the previous one and submits
// the files that appeared, changed or disappeared.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "listing.hpp"
#include "listing_store.hpp"
#include "rc_client.hpp"
#include "scanhook/host.hpp"
#include "scanhook/polling_source.hpp"

namespace scanhook::rclone {

struct PollSettings {
  std::string remote;  // an rclone fs string, e.g. "gdrive:Media"
  std::chrono::milliseconds interval{std::chrono::minutes(5)};
  // Events are reported as <path_prefix>/<path within the remote>.
  std::string path_prefix;
  // A poll that finds more than this share of the files gone (and at least
  // ChangePoller::kFewestHeld) is held: a remote or mount failure listed as
  // empty must not have the media servers drop the library. 100: off.
  int max_deleted_percent = 50;
};

class ChangePoller final : public PollingSourceBase {
 public:
  static constexpr std::size_t kFewestHeld = 10;  // fewer deletions always go through

  ChangePoller(RcClient rc, PollSettings settings, Host& host);

 protected:
  std::chrono::milliseconds on_poll() override;

 private:
  std::optional<Listing> fetch();
  // Logs the first failure of an outage and returns the next, longer delay.
  std::chrono::milliseconds back_off(const std::string& reason);
  void persist(const Listing& listing, const std::set<std::uint32_t>& buckets);
  // True (and logged, once a streak) when `deleted` files gone is too many to trust.
  bool hold(std::size_t deleted);

  RcClient rc_;
  PollSettings settings_;
  Host& host_;
  ListingStore store_;
  bool loaded_ = false;
  std::optional<Listing> baseline_;
  bool persist_all_ = false;  // a store failed: the next save rewrites everything
  std::chrono::milliseconds backoff_{0};
  bool holding_ = false;         // the last poll was held
  bool untimed_logged_ = false;  // files without a ModTime were reported
};

}  // namespace scanhook::rclone
