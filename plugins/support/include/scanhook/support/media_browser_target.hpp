// The scan target shared by Jellyfin and Emby (both descend from Media
// Browser): libraries from one listing route, every folder of a batch in one
// POST /Library/Media/Updated. Each plugin supplies its routes and parser.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "scanhook/support/library_cache.hpp"
#include "scanhook/support/server_api.hpp"
#include "scanhook/target.hpp"
#include "scanhook/target_description.hpp"

namespace scanhook::support {

struct MediaBrowserRoutes {
  std::string public_info;  // probe without credentials: "/System/Info/Public"
  std::string libraries;    // authenticated listing: "/Library/VirtualFolders"
  // Reads the listing's body; throws std::exception when it is not one.
  std::function<std::vector<Library>(const std::string& body)> parse_libraries;
  // Added to the reason when the listing answers 404 (a url missing its
  // prefix); the target pauses either way (server_answer.hpp).
  std::string not_found_hint;
};

// Describes itself (SDK 1.2): the public info's Version and the libraries.
class MediaBrowserTarget final : public TargetBase, public DescribableBase {
 public:
  static constexpr std::size_t kMaxBatch = 100;
  static constexpr const char* kMediaUpdated = "/Library/Media/Updated";

  MediaBrowserTarget(std::shared_ptr<const ServerApi> api, MediaBrowserRoutes routes,
                     std::chrono::milliseconds library_refresh);

  Stage stage() const noexcept override { return Stage::scan; }
  std::size_t max_batch() const noexcept override { return kMaxBatch; }

 protected:
  std::vector<Result> on_scan(const std::vector<ScanFolder>& folders) override;
  Result on_probe() override;
  Explanation on_explain(const ScanFolder& folder) override;
  TargetDescription on_describe() override;

 private:
  Discovery discover() const;

  std::shared_ptr<const ServerApi> api_;
  MediaBrowserRoutes routes_;
  LibraryCache libraries_;
};

}  // namespace scanhook::support
