// The prepare-stage target: refreshes folders in an rclone mount's VFS
// directory cache (vfs/refresh) before the media servers scan them.
#pragma once

#include <chrono>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "rc_client.hpp"
#include "scanhook/host.hpp"
#include "scanhook/target.hpp"

namespace scanhook::rclone {

struct RefreshSettings {
  std::string fs;  // which VFS, when rclone serves several; "" for the only one
  bool recursive = false;
  int missing_retries = 5;  // retries of a folder rclone does not have yet, then rejected
  std::chrono::seconds missing_retry_after{60};
  std::size_t max_batch = 50;
};

// A folder's path relative to the VFS root, as vfs/refresh walks it: empty
// segments dropped, so "/tv/Show/" and "tv//Show" are "tv/Show", and "" or
// "/" is the root (the target's rewrite maps the mount point to "").
std::string vfs_dir(const std::string& folder);

class VfsRefreshTarget final : public TargetBase {
 public:
  VfsRefreshTarget(std::string instance, RcClient rc, RefreshSettings settings, Host& host);

  Stage stage() const noexcept override { return Stage::prepare; }
  std::size_t max_batch() const noexcept override { return settings_.max_batch; }

 protected:
  std::vector<Result> on_scan(const std::vector<ScanFolder>& folders) override;
  Result on_probe() override;
  Explanation on_explain(const ScanFolder& folder) override;

 private:
  // What rclone said for each dir of one refresh, or why it said nothing usable.
  struct Outcomes {
    std::optional<Result> failure;
    std::map<std::string, std::string> by_dir;  // dir → "OK" or rclone's error
  };

  // The vfs/refresh body for these VFS-relative dirs; the root is no dir at all.
  std::string refresh_body(const std::vector<std::string>& dirs, bool recursive) const;
  // Refreshes `dirs`: one call, plus one for the root, which cannot share it.
  Outcomes refresh(const std::vector<std::string>& dirs, bool recursive);
  Outcomes refresh_call(const std::vector<std::string>& dirs, bool recursive);
  // rclone finds a dir by walking its cached tree, so a folder created after
  // its parent was cached stays "file does not exist" until the parent is
  // re-read: refresh the nearest ancestors rclone knows, then back down.
  void reveal(const std::vector<std::string>& missing);
  // The answer for one dir, counting the retries of a missing one.
  Result dir_result(const std::string& dir, const std::string& outcome,
                    std::vector<KeyValueChange>& counts);
  // Whether rclone has the VFS this target is set to use; vfs/list names them.
  Result check_vfs_choice();

  std::string instance_;
  RcClient rc_;
  RefreshSettings settings_;
  Host& host_;
};

}  // namespace scanhook::rclone
