// A target that looks the owner of each folder up in a listing the server
// gives (Audiobookshelf's libraries, Sonarr's series, Radarr's movies), then
// POSTs one JSON request per distinct request of the batch: a folder's own
// watcher update, or one rescan command for every folder of one series.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scanhook/support/library_cache.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/target.hpp"

namespace scanhook::support {

// One POST for one folder (its body decides which folders share a request).
struct LookupRequest {
  std::string route;  // "/api/v3/command"
  std::string body;   // JSON
};

struct LookupRoutes {
  std::string public_probe;     // probe without credentials ("/ping"), or "" for none
  std::string listing;          // authenticated GET: "/api/v3/series"
  ListingParser parse_listing;  // throws std::exception when the body is not a listing
  // The request for `folder` (its path as the owner lists it: `server_path`).
  std::function<LookupRequest(const Library& owner, const std::string& server_path,
                              const ScanFolder& folder)>
      request_for;
};

class LookupTarget final : public TargetBase {
 public:
  LookupTarget(std::shared_ptr<const ServerApi> api, LookupRoutes routes, MatchRules rules,
               std::chrono::milliseconds listing_refresh, std::size_t max_batch);

  Stage stage() const noexcept override { return Stage::scan; }
  std::size_t max_batch() const noexcept override { return max_batch_; }

 protected:
  // Folders in no entry are rejected with the reason; once the server answers
  // a request `unavailable`, the rest of the batch is not tried (same verdict).
  std::vector<Result> on_scan(const std::vector<ScanFolder>& folders) override;
  Result on_probe() override;
  Explanation on_explain(const ScanFolder& folder) override;

 private:
  Discovery discover() const;

  std::shared_ptr<const ServerApi> api_;
  LookupRoutes routes_;
  LibraryCache listing_;
  std::size_t max_batch_;
};

}  // namespace scanhook::support
