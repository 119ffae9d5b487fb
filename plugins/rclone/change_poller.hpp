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
};

class ChangePoller final : public PollingSourceBase {
 public:
  ChangePoller(RcClient rc, PollSettings settings, Host& host);

 protected:
  std::chrono::milliseconds on_poll() override;

 private:
  std::optional<Listing> fetch();
  // Logs the first failure of an outage and returns the next, longer delay.
  std::chrono::milliseconds back_off(const std::string& reason);
  void persist(const Listing& listing, const std::set<std::uint32_t>& buckets);

  RcClient rc_;
  PollSettings settings_;
  Host& host_;
  ListingStore store_;
  bool loaded_ = false;
  std::optional<Listing> baseline_;
  bool persist_all_ = false;  // a store failed: the next save rewrites everything
  std::chrono::milliseconds backoff_{0};
};

}  // namespace scanhook::rclone
