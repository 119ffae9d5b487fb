// Partial scans of a Plex Media Server: one refresh of each section that owns
// a folder. A section that answers 404 was removed or renumbered: the
// sections are read again once and the folder retried. When they still list
// it, the 404 is that folder's failure (retried with backoff), not a pause of
// the target: Plex's /identity and sections answer, so its probe would pass.
// Each folder of a batch is judged on its own: once Plex is unavailable the
// rest keep that verdict, except a folder in no section (rejected).
#pragma once

#include <memory>

#include "scanhook/support/library_cache.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/target.hpp"
#include "scanhook/target_description.hpp"

namespace scanhook::plex {

// Describes itself (SDK 1.2): /identity's version and the sections.
class PlexTarget final : public TargetBase, public DescribableBase {
 public:
  static constexpr std::size_t kMaxBatch = 50;

  PlexTarget(std::shared_ptr<const support::ServerApi> api,
             std::chrono::milliseconds library_refresh);

  Stage stage() const noexcept override { return Stage::scan; }
  std::size_t max_batch() const noexcept override { return kMaxBatch; }

 protected:
  std::vector<Result> on_scan(const std::vector<ScanFolder>& folders) override;
  Result on_probe() override;
  Explanation on_explain(const ScanFolder& folder) override;
  TargetDescription on_describe() override;

 private:
  support::Discovery discover() const;
  Result scan_folder(const ScanFolder& folder, bool& may_rediscover);

  std::shared_ptr<const support::ServerApi> api_;
  support::LibraryCache sections_;
};

}  // namespace scanhook::plex
