// A media server's library list, discovered lazily (scanhook starts while the
// server is down), kept for a while, and rediscovered when it is stale or a
// folder matches no library (a library may have been added since).
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "scanhook/result.hpp"
#include "scanhook/support/library_match.hpp"
#include "scanhook/support/server_api.hpp"

namespace scanhook::support {

// One discovery: ok with the libraries, or why they could not be read.
struct Discovery {
  Result result;
  std::vector<Library> libraries;
};

// GET `route` through `api` and `parse` its body: a Discovery for a
// LibraryCache. A 404 adds `not_found_hint` to the reason (a url missing its
// base path); a body `parse` cannot read pauses the target (server_answer.hpp).
using ListingParser = std::function<std::vector<Library>(const std::string& body)>;
Discovery read_listing(const ServerApi& api, const std::string& route, const ListingParser& parse,
                       const std::string& not_found_hint = "");

class LibraryCache {
 public:
  using Discover = std::function<Discovery()>;
  using Clock = std::chrono::steady_clock;

  LibraryCache(Discover discover, std::chrono::milliseconds lifetime, std::string product);
  LibraryCache(Discover discover, std::chrono::milliseconds lifetime, MatchRules rules);

  // The libraries, discovered now when never read or older than the lifetime.
  Discovery current();
  // Discovers now, whatever the age.
  Discovery refresh();

  // The libraries owning `folder`. When it matches none and `may_rediscover`
  // is set (then cleared), the list is read again once before rejecting:
  // callers allow one rediscovery per batch so a batch of strays costs one call.
  LibraryMatch resolve(const std::string& folder, bool& may_rediscover);

 private:
  Discover discover_;
  std::chrono::milliseconds lifetime_;
  MatchRules rules_;
  std::mutex mutex_;
  std::optional<std::vector<Library>> libraries_;
  Clock::time_point read_at_;
};

}  // namespace scanhook::support
