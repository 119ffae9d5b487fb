// Keeps a remote's last listing in the Host's key/value store so a restart
// resumes from it. Files are spread over buckets by their folder, so a poll
// that changes a few files rewrites a few values, not the whole listing.
// Each save also names its writer (this object, and how many saves it made),
// so an instance taking its polling turn back on a shared store (several
// scanhookd on one PostgreSQL) sees that another stored a newer listing.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "listing.hpp"
#include "scanhook/host.hpp"

namespace scanhook::rclone {

class ListingStore {
 public:
  static constexpr std::uint32_t kBuckets = 256;

  // `writer`: this store's name in the saves it makes, unique among the
  // instances sharing the Host's store.
  explicit ListingStore(Host& host, std::string writer = random_writer())
      : host_(host), writer_(std::move(writer)) {}

  // The stored listing of `remote`, sorted. nullopt when there is none, or it
  // belongs to another remote, or it cannot be read (logged).
  std::optional<Listing> load(const std::string& remote);
  // Replaces everything stored with `listing` in one transaction.
  bool save_all(const Listing& listing, const std::string& remote);
  // Rewrites only `buckets` from `listing` (and the summary), in one transaction.
  bool save_buckets(const Listing& listing, const std::string& remote,
                    const std::set<std::uint32_t>& buckets);

  // True when the stored listing was saved by someone else since this
  // store last loaded or saved it: the listing in hand is older than it.
  bool changed_elsewhere();

  // The bucket of a file: a hash of its folder.
  static std::uint32_t bucket_of(std::string_view path);
  // 16 random hex digits.
  static std::string random_writer();

 private:
  Host& host_;
  std::string writer_;
  std::uint64_t saves_ = 0;
  // The writer of the stored listing as this store last loaded or saved it
  // (nullopt: none named, as before writers were stored).
  std::optional<std::string> known_writer_;
};

}  // namespace scanhook::rclone
