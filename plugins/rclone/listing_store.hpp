// Keeps a remote's last listing in the Host's key/value store so a restart
// resumes from it. Files are spread over buckets by their folder, so a poll
// that changes a few files rewrites a few values, not the whole listing.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "listing.hpp"
#include "scanhook/host.hpp"

namespace scanhook::rclone {

class ListingStore {
 public:
  static constexpr std::uint32_t kBuckets = 256;

  explicit ListingStore(Host& host) : host_(host) {}

  // The stored listing of `remote`, sorted. nullopt when there is none, or it
  // belongs to another remote, or it cannot be read (logged).
  std::optional<Listing> load(const std::string& remote);
  // Replaces everything stored with `listing` in one transaction.
  bool save_all(const Listing& listing, const std::string& remote);
  // Rewrites only `buckets` from `listing` (and the summary), in one transaction.
  bool save_buckets(const Listing& listing, const std::string& remote,
                    const std::set<std::uint32_t>& buckets);

  // The bucket of a file: a hash of its folder.
  static std::uint32_t bucket_of(std::string_view path);

 private:
  Host& host_;
};

}  // namespace scanhook::rclone
