// A folder on a simulated disk that can lose power: processes started with
// environment() write to it through the power-loss shim
// (tests/power_loss/power_loss_shim.cpp), which keeps a shadow copy of each
// file as of its last fsync. cut() is the power loss: the folder becomes the
// shadow, so every write that was never synced is gone.
#pragma once

#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

namespace scanhook::testing {

class PowerLossDisk {
 public:
  // Creates <root>/disk (the folder) and <root>/shadow.
  explicit PowerLossDisk(const std::filesystem::path& root);

  // Where files that must survive go (canonical path).
  const std::filesystem::path& folder() const { return folder_; }

  // "KEY=VALUE" entries that put a child process on this disk; an fsync makes
  // data durable only after `sync_delay` (a real disk's latency).
  std::vector<std::string> environment(
      std::chrono::microseconds sync_delay = std::chrono::microseconds(0)) const;

  // The power cut. Call it only once every process writing here is dead: the
  // folder's files become what was last synced; a file never synced is gone.
  void cut() const;

 private:
  std::filesystem::path folder_;
  std::filesystem::path shadow_;
};

}  // namespace scanhook::testing
